/**
 * `orgs-mock contract` as a user runs it: the built command in a child process, with JSON and JUnit
 * reports in a fresh directory, its output captured, its peak resident memory measured, and a deadline
 * after which it is killed (a hung run is a result too).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND } from '../setup/command.ts';

export interface Run {
  /** The exit code, or null when killed at the deadline (or by a signal). */
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** contract-report.json as text, or undefined when not written. */
  json?: string;
  report?: any;
  /** junit.xml as text, or undefined when not written. */
  junit?: string;
  /** Peak resident set of the runner process, in MB. */
  peakRssMb: number;
  /** CPU time of the runner process (user and system), in ms; NaN when it was killed. */
  cpuMs: number;
  /** Everything the run printed or wrote. */
  outputs: Record<string, string>;
}

/**
 * Writes the process's peak resident set (kB) and CPU time (ms) to $HOSTILE_PEAK_FILE as it exits, whatever
 * the exit path. A data: URL, so that it needs no file of its own and no TypeScript loader.
 */
const PEAK_HOOK = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs';" +
    "process.on('exit', () => { const u = process.resourceUsage();" +
    " writeFileSync(process.env.HOSTILE_PEAK_FILE, u.maxRSS + ' ' + Math.round((u.userCPUTime + u.systemCPUTime) / 1000)); });",
)}`;

function peakOf(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const running = new Set<ChildProcess>();

/** Kills the runs still going (a test that failed or timed out before its run ended). */
export function stopRuns(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Runs `orgs-mock contract <args> --reporter console,json,junit --out <fresh dir>`, killed after `deadlineMs`. */
export function runContract(args: string[], deadlineMs = 45_000): Promise<Run> {
  const out = mkdtempSync(join(tmpdir(), 'contract-hostile-'));
  const peakFile = join(out, 'peak-rss');
  // The heap cap only guards this machine against a runner that reads a huge body whole; the measure is
  // the resident peak, which it does not bound.
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=512',
      '--import',
      PEAK_HOOK,
      COMMAND,
      'contract',
      ...args,
      '--reporter',
      'console,json,junit',
      '--out',
      out,
    ],
    { env: { ...process.env, HOSTILE_PEAK_FILE: peakFile, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  let timedOut = false;
  let killedPeakKb = 0;
  const deadline = setTimeout(() => {
    timedOut = true;
    killedPeakKb = peakOf(child.pid);
    child.kill('SIGKILL');
  }, deadlineMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      running.delete(child);
      const read = (name: string) => (existsSync(join(out, name)) ? readFileSync(join(out, name), 'utf8') : undefined);
      const json = read('contract-report.json');
      const junit = read('junit.xml');
      const [peakKb, cpuMs] = (read('peak-rss') ?? `${killedPeakKb} NaN`).split(' ').map(Number);
      rmSync(out, { recursive: true, force: true });
      let report: unknown;
      try {
        report = json === undefined ? undefined : JSON.parse(json);
      } catch {
        report = undefined;
      }
      const outputs: Record<string, string> = { stdout, stderr };
      if (json !== undefined) outputs['contract-report.json'] = json;
      if (junit !== undefined) outputs['junit.xml'] = junit;
      resolve({
        code,
        timedOut,
        stdout,
        stderr,
        json,
        report,
        junit,
        peakRssMb: (peakKb ?? 0) / 1024,
        cpuMs: cpuMs ?? Number.NaN,
        outputs,
      });
    });
  });
}

/** The forms in which a secret could leak: raw, base64 and base64url (alone, and with its client id as Basic). */
export function leakForms(secrets: string[], basic: Array<[string, string]> = []): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(Buffer.from(s).toString('base64').replace(/=+$/, ''));
    forms.add(Buffer.from(s).toString('base64url'));
  }
  for (const [id, secret] of basic) forms.add(Buffer.from(`${id}:${secret}`).toString('base64').replace(/=+$/, ''));
  return [...forms];
}

/** Which of the forms appear in which output: [] when none leaked. */
export function leaks(run: Run, forms: string[]): string[] {
  const found: string[] = [];
  for (const [name, text] of Object.entries(run.outputs))
    for (const form of forms) if (text.includes(form)) found.push(`${JSON.stringify(form)} in ${name}`);
  return found;
}
