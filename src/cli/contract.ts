/** `orgs-mock contract` and `orgs-mock contract diff`: check servers against openapi.yaml. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { diffReports, formatDifferences } from '../contract/diff.ts';
import { resultLine, summary } from '../contract/reporters/console.ts';
import { junitXml } from '../contract/reporters/junit.ts';
import { type RunOptions, type RunReport, RunnerError, runContract } from '../contract/runner.ts';
import { DEFAULT_SPEC_PATH, loadSpec, type SpecDocument } from '../spec/document.ts';

export const CONTRACT_HELP = `Usage:
  orgs-mock contract --target <URL> (--token <T> | --client-id <ID> --client-secret <S>) [options]
  orgs-mock contract diff --a <URL> --b <URL> (--token <T> | --token-a <T> --token-b <T>) [options]

Checks a server against openapi.yaml with checks generated from the spec: positive, status, content
type and schema conformance, negative data, auth, not found, and (with --allow-writes) the stateful
lifecycle. Read-only unless --allow-writes; whatever the run creates is removed again.

Options:
  --target <URL>          the server to check
  --token <T>             a Bearer token of the organization to check from
  --client-id <ID>        or OAuth2 client credentials, to get a token from /oauth2/token
  --client-secret <S>
  --allow-writes          also create, update and delete (only organizations the run creates)
  --reporter <list>       console,json,junit (default console)
  --out <dir>             where json and junit reports go (default reports/contract)
  --only <ids>            only these operationIds, comma-separated
  --max-rps <n>           at most n requests per second (default 50)
  --budget <seconds>      stop starting checks after this long (default 300)
  --spec <path>           the contract (default: the package's openapi.yaml)

Exit codes: 0 every check passed, 1 a check failed (or diff found differences), 2 the runner could not work.`;

const OPTIONS = {
  target: { type: 'string' },
  token: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  reporter: { type: 'string' },
  out: { type: 'string' },
  only: { type: 'string' },
  'max-rps': { type: 'string' },
  budget: { type: 'string' },
  spec: { type: 'string' },
  a: { type: 'string' },
  b: { type: 'string' },
  'token-a': { type: 'string' },
  'token-b': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function positiveNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} should be a positive number, not "${raw}".`);
  return value;
}

function url(raw: string | undefined, name: string): string {
  if (!raw) throw new UsageError(`${name} is required.`);
  try {
    const parsed = new URL(raw);
    if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error();
    return raw;
  } catch {
    throw new UsageError(`${name} should be an http or https URL, not "${raw}".`);
  }
}

async function readSpec(path: string): Promise<SpecDocument> {
  try {
    return await loadSpec(path);
  } catch (error) {
    throw new RunnerError(`Cannot read the spec ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export async function contractCommand(argv: string[]): Promise<number> {
  const isDiff = argv[0] === 'diff';
  try {
    const { values } = parseArgs({ args: isDiff ? argv.slice(1) : argv, options: OPTIONS, strict: true, allowPositionals: false });
    if (values.help) {
      console.log(CONTRACT_HELP);
      return 0;
    }
    const reporters = new Set((values.reporter ?? 'console').split(',').map((r) => r.trim()));
    for (const r of reporters) if (!['console', 'json', 'junit'].includes(r)) throw new UsageError(`Unknown reporter "${r}"; use console, json or junit.`);
    const common = {
      clientId: values['client-id'],
      clientSecret: values['client-secret'],
      allowWrites: values['allow-writes'] ?? false,
      only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
      maxRps: positiveNumber(values['max-rps'], '--max-rps', 50),
      budgetSeconds: positiveNumber(values.budget, '--budget', 300),
    };
    if ((common.clientId === undefined) !== (common.clientSecret === undefined)) {
      throw new UsageError('--client-id and --client-secret go together.');
    }
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(2);
      console.error('\nInterrupted: finishing the current check and removing what the run created…');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const spec = await readSpec(values.spec ?? DEFAULT_SPEC_PATH);

    if (isDiff) {
      const a = url(values.a, '--a');
      const b = url(values.b, '--b');
      const tokenA = values['token-a'] ?? values.token;
      const tokenB = values['token-b'] ?? values.token;
      if (!common.clientId && (!tokenA || !tokenB)) throw new UsageError('Give --token, or --token-a and --token-b, or client credentials.');
      const run = (target: string, token: string | undefined) => runContract({ ...common, target, token, spec, signal: controller.signal });
      const [reportA, reportB] = [await run(a, tokenA), await run(b, tokenB)];
      const diffs = diffReports(reportA, reportB);
      console.log(formatDifferences(diffs, a, b));
      writeReports(reporters, values.out, { a: reportA, b: reportB, differences: diffs }, undefined);
      return controller.signal.aborted ? 2 : diffs.length > 0 ? 1 : 0;
    }

    const target = url(values.target, '--target');
    if (!values.token && !common.clientId) throw new UsageError('Give --token, or --client-id and --client-secret.');
    const live = reporters.has('console');
    const options: RunOptions = { ...common, target, token: values.token, spec, signal: controller.signal, onResult: live ? (r) => console.log(resultLine(r)) : undefined };
    const report = await runContract(options);
    if (live) console.log(summary(report));
    writeReports(reporters, values.out, report, report);
    if (report.interrupted) return 2;
    return report.totals.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`orgs-mock contract: ${(error as Error).message}\n\n${CONTRACT_HELP}`);
      return 2;
    }
    if (error instanceof RunnerError) {
      console.error(`orgs-mock contract: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

function writeReports(reporters: Set<string>, out: string | undefined, json: unknown, report: RunReport | undefined): void {
  const dir = out ?? join('reports', 'contract');
  if (!reporters.has('json') && !reporters.has('junit')) return;
  mkdirSync(dir, { recursive: true });
  if (reporters.has('json')) writeFileSync(join(dir, 'contract-report.json'), `${JSON.stringify(json, null, 2)}\n`);
  if (reporters.has('junit') && report) writeFileSync(join(dir, 'junit.xml'), junitXml(report));
  console.log(`reports written to ${dir}`);
}
