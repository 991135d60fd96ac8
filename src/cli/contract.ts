/** `orgs-mock contract` and `orgs-mock contract diff`: check servers against openapi.yaml. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ANSWER_LIMITS } from '../contract/client.ts';
import { contractDifferences, diffReports, formatDifferences } from '../contract/diff.ts';
import { CHECKS } from '../contract/registry.ts';
import { errorReport, Masker, type RunReport } from '../contract/report.ts';
import { checkLine, summary } from '../contract/reporters/console.ts';
import { junitXml } from '../contract/reporters/junit.ts';
import { DEFAULTS, RunnerError, type RunOptions, runContract } from '../contract/runner.ts';
import { DEFAULT_SPEC_PATH, loadSpec, type SpecDocument } from '../openapi/document.ts';

export const CONTRACT_HELP = `Usage:
  orgs-mock contract --target <URL> (--token <T> | --client-id <ID> --client-secret <S>) [options]
  orgs-mock contract diff --a <URL> --b <URL> (--token <T> | --token-a <T> --token-b <T>) [options]
  orgs-mock contract --list-checks

Checks a server against openapi.yaml: the shape of every answer and what the server does (search, read
your writes, the rules of the contract, visibility, time, OAuth, messages). Read-only unless
--allow-writes: a read-only run sends GET and token requests only. With --allow-writes the run writes
only to organizations it created and verified, and removes them again (each removal confirmed).
Departures from [doc] rules are contract failures; from [ours] rules, fidelity findings (openapi.yaml
marks which is which). See docs/contract-checks.md.

Options:
  --target <URL>            the server to check
  --token <T>               a Bearer token of the organization to check from
  --client-id <ID>          or OAuth2 client credentials, to get a token from /oauth2/token
  --client-secret <S>         (also enables the OAuth checks)
  --other-token <T>         a token of an organization that is not an ancestor of the first (visibility)
  --other-client-id <ID>    a second OAuth client (a refresh token of another client is refused)
  --other-client-secret <S>
  --allow-writes            also create, update and delete (only organizations the run creates)
  --strict                  fidelity findings fail the run too (the mock's own CI)
  --checks <names>          only these checks, comma-separated (see --list-checks)
  --exclude-checks <names>  all but these checks
  --check-rate-limit        also run the rate_limit check (spends the organization's request budget)
  --rate-limit-burst <n>    requests the rate_limit check sends looking for 429 (default ${DEFAULTS.rateLimitBurst})
  --seed <n>                seed of the generated phase (default ${DEFAULTS.seed}: runs are deterministic)
  --examples <n>            generated requests in the property-based phase (default ${DEFAULTS.examples})
  --reporter <list>         console,json,junit (default console)
  --out <dir>               where json and junit reports go (default reports/contract)
  --max-rps <n>             at most n requests per second (default ${DEFAULTS.maxRps})
  --budget <seconds>        stop starting checks after this long (default ${DEFAULTS.budgetSeconds})
  --allow-partial           exit 0 even if the budget ran out before every check ran
  --spec <path>             the contract (default: the package's openapi.yaml)
  --list-checks             print every check with what it catches, and exit

Secrets (tokens, client secrets, tokens issued during the run) never appear in any output. They are shown
as shell variables, so that a report's curl lines run once you set them:
  $TOKEN                 --token, or the token the run obtained with the client credentials
  $OTHER_TOKEN           --other-token
  $ACCESS_TOKEN          an access token issued during the run
  $REFRESH_TOKEN         a refresh token issued during the run
  $CLIENT_ID             --client-id (curl lines pass the client as -u "$CLIENT_ID:$CLIENT_SECRET")
  $CLIENT_SECRET         --client-secret
  $OTHER_CLIENT_ID       --other-client-id (-u "$OTHER_CLIENT_ID:$OTHER_CLIENT_SECRET")
  $OTHER_CLIENT_SECRET   --other-client-secret
  $CLIENT_BASIC          in recorded headers: the Basic credentials, base64 of "$CLIENT_ID:$CLIENT_SECRET"
                         (also those of a made-up client a check sends)
  $OTHER_CLIENT_BASIC    in recorded headers: the same for the other client

Exit codes: 0 passed; 1 a contract failure (or, with --strict, a fidelity finding; or diff found
differences); 2 the runner could not work, or the run was interrupted; 3 the budget ran out before every
check ran (unless --allow-partial). The json and junit reports are written on every exit code: when the
runner could not work, with the verdict "error" and the reason. Redirects are never followed, and
answers are read up to ${ANSWER_LIMITS.maxBytes / 1024 / 1024} MB (see docs/contract-checks.md, Safety).`;

const OPTIONS = {
  target: { type: 'string' },
  token: { type: 'string' },
  'other-token': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'other-client-id': { type: 'string' },
  'other-client-secret': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  strict: { type: 'boolean' },
  checks: { type: 'string' },
  'exclude-checks': { type: 'string' },
  'check-rate-limit': { type: 'boolean' },
  'rate-limit-burst': { type: 'string' },
  seed: { type: 'string' },
  examples: { type: 'string' },
  reporter: { type: 'string' },
  out: { type: 'string' },
  'max-rps': { type: 'string' },
  budget: { type: 'string' },
  'allow-partial': { type: 'boolean' },
  spec: { type: 'string' },
  'list-checks': { type: 'boolean' },
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

function integer(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d{1,10}$/.test(raw)) throw new UsageError(`${name} should be an integer, not "${raw}".`);
  return Number(raw);
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

const list = (raw: string | undefined) =>
  raw
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

async function readSpec(path: string): Promise<SpecDocument> {
  try {
    return await loadSpec(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RunnerError(`Cannot read the spec ${path}: ${message.split('\n')[0]}`);
  }
}

export function listChecks(): string {
  return CHECKS.map(
    (c) =>
      `${c.name}${c.kind === 'scenario' && c.requires.length ? ` [needs ${c.requires.join(', ')}]` : ''}\n    ${c.description}`,
  ).join('\n');
}

/** Where reports go once the options are read: from then on, every exit writes them. */
interface Reporting {
  reporters: Set<string>;
  out: string | undefined;
  target: string;
  mode: RunReport['mode'];
}

export async function contractCommand(argv: string[]): Promise<number> {
  const isDiff = argv[0] === 'diff';
  const startedAt = Date.now();
  // Every line this command prints or writes passes this masker; the runner teaches it the run's secrets.
  const masker = new Masker();
  const say = (line: string) => console.log(masker.mask(line));
  const warn = (line: string) => console.error(masker.mask(line));
  let reporting: Reporting | undefined;
  let leftovers: () => Array<{ id: number; name: string }> = () => [];
  const failed = (reason: string) => {
    if (reporting) {
      const report = errorReport({ ...reporting, reason, startedAt, leftovers: leftovers(), masker });
      writeReports(reporting, isDiff ? { error: report } : report, isDiff ? undefined : report, masker);
    }
    return 2;
  };
  try {
    const { values } = parseArgs({
      args: isDiff ? argv.slice(1) : argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    });
    masker.add(values.token);
    masker.add(values['token-a']);
    masker.add(values['token-b']);
    masker.add(values['other-token'], '$OTHER_TOKEN');
    masker.addClient(values['client-id'], values['client-secret'], '');
    masker.addClient(values['other-client-id'], values['other-client-secret'], 'OTHER_');
    masker.add(values['client-secret'], '$CLIENT_SECRET');
    masker.add(values['other-client-secret'], '$OTHER_CLIENT_SECRET');
    if (values.help) {
      console.log(CONTRACT_HELP);
      return 0;
    }
    if (values['list-checks']) {
      console.log(listChecks());
      return 0;
    }
    const reporters = new Set((values.reporter ?? 'console').split(',').map((r) => r.trim()));
    for (const r of reporters)
      if (!['console', 'json', 'junit'].includes(r))
        throw new UsageError(`Unknown reporter "${r}"; use console, json or junit.`);
    const common: Omit<RunOptions, 'target' | 'spec'> = {
      clientId: values['client-id'],
      clientSecret: values['client-secret'],
      otherClientId: values['other-client-id'],
      otherClientSecret: values['other-client-secret'],
      otherToken: values['other-token'],
      allowWrites: values['allow-writes'] ?? false,
      strict: values.strict ?? false,
      checks: list(values.checks),
      excludeChecks: list(values['exclude-checks']),
      checkRateLimit: values['check-rate-limit'] ?? false,
      rateLimitBurst: positiveNumber(values['rate-limit-burst'], '--rate-limit-burst', DEFAULTS.rateLimitBurst),
      seed: integer(values.seed, '--seed', DEFAULTS.seed),
      examples: positiveNumber(values.examples, '--examples', DEFAULTS.examples),
      maxRps: positiveNumber(values['max-rps'], '--max-rps', DEFAULTS.maxRps),
      budgetSeconds: positiveNumber(values.budget, '--budget', DEFAULTS.budgetSeconds),
      masker,
    };
    reporting = {
      reporters,
      out: values.out,
      target: (isDiff ? values.a : values.target) ?? '',
      mode: {
        allowWrites: common.allowWrites ?? false,
        strict: common.strict ?? false,
        seed: common.seed ?? DEFAULTS.seed,
        examples: common.examples ?? DEFAULTS.examples,
      },
    };
    if ((common.clientId === undefined) !== (common.clientSecret === undefined))
      throw new UsageError('--client-id and --client-secret go together.');
    if ((common.otherClientId === undefined) !== (common.otherClientSecret === undefined))
      throw new UsageError('--other-client-id and --other-client-secret go together.');
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) {
        const left = leftovers();
        warn(
          left.length
            ? `\nStopped during clean-up. Left behind: ${left.map((l) => `${l.id} "${l.name}"`).join(', ')}`
            : '\nStopped. Nothing of the run is left behind.',
        );
        process.exit(failed('stopped by a second Ctrl-C during clean-up'));
      }
      warn(
        '\nInterrupted: finishing the current check and removing what the run created (Ctrl-C again to stop at once)…',
      );
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
      if (!common.clientId && (!tokenA || !tokenB))
        throw new UsageError('Give --token, or --token-a and --token-b, or client credentials.');
      const run = (target: string, token: string | undefined) =>
        runContract({
          ...common,
          target,
          token,
          spec,
          signal: controller.signal,
          onSandbox: (get) => {
            leftovers = get;
          },
        });
      const [resultA, resultB] = [await run(a, tokenA), await run(b, tokenB)];
      const diffs = diffReports(resultA, resultB, spec);
      say(formatDifferences(diffs, a, b));
      writeReports(reporting, { a: resultA.report, b: resultB.report, differences: diffs }, undefined, masker);
      return controller.signal.aborted ? 2 : contractDifferences(diffs).length > 0 ? 1 : 0;
    }

    const target = url(values.target, '--target');
    if (!values.token && !common.clientId) throw new UsageError('Give --token, or --client-id and --client-secret.');
    const live = reporters.has('console');
    const { report } = await runContract({
      ...common,
      target,
      token: values.token,
      spec,
      signal: controller.signal,
      onCheck: live ? (r, foundBy) => say(checkLine(r, foundBy)) : undefined,
      onNote: (line) => warn(`  … ${line}`),
      onSandbox: (get) => {
        leftovers = get;
      },
    });
    if (live) say(summary(report));
    writeReports(reporting, report, report, masker);
    if (report.interrupted) return 2;
    if (report.verdict === 'failed') return 1;
    if (report.notRun.length > 0 && !values['allow-partial']) {
      warn(
        `orgs-mock contract: the budget ran out before these checks ran: ${report.notRun.join(', ')} (--allow-partial accepts that).`,
      );
      return 3;
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(`${masker.mask(`orgs-mock contract: ${message}`)}\n\n${CONTRACT_HELP}`);
      return failed(message);
    }
    if (error instanceof RunnerError) warn(`orgs-mock contract: ${message}`);
    // Anything else is a fault of the runner: said (masked, with where it happened), and reported like the rest.
    else warn(`orgs-mock contract: the runner failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return failed(message);
  }
}

function writeReports(reporting: Reporting, json: unknown, report: RunReport | undefined, masker: Masker): void {
  const { reporters } = reporting;
  const dir = reporting.out ?? join('reports', 'contract');
  if (!reporters.has('json') && !reporters.has('junit')) return;
  mkdirSync(dir, { recursive: true });
  if (reporters.has('json'))
    writeFileSync(join(dir, 'contract-report.json'), `${JSON.stringify(masker.maskDeep(json), null, 2)}\n`);
  if (reporters.has('junit') && report) writeFileSync(join(dir, 'junit.xml'), junitXml(masker.maskDeep(report)));
  console.log(`reports written to ${masker.mask(dir)}`);
}

/** What node:util's parseArgs throws for an unknown or malformed option. */
function isParseArgsError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS')
  );
}
