/** Starting and measuring the servers that bench.ts and soak.ts load: child processes on loopback. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;

export interface Started {
  url: string;
  child: ChildProcess;
  /** From spawn to the first line that names the URL: process start, module load, data generation. */
  startMs: number;
  stop(): Promise<void>;
}

function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  pattern: RegExp,
  timeoutMs = 120_000,
): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not started within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    let banner = false;
    const onData = (chunk: Buffer) => {
      // After the banner, the output (the request log) is read and dropped, as a terminal would show it.
      if (banner) return;
      output += chunk.toString();
      const match = pattern.exec(output);
      if (!match) return;
      banner = true;
      clearTimeout(timer);
      resolve({
        url: match[1] as string,
        child,
        startMs: performance.now() - started,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

/**
 * The command `npm start` runs (package.json's `start`, `node <file> <args>`), run with this Node and
 * without npm's shell in between, so that the bench can read the server's own CPU time.
 */
export function npmStartCommand(): string[] {
  const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = scripts.start.split(/\s+/);
  if (node !== 'node') throw new Error(`npm start runs "${scripts.start}", not node: teach bench/servers.ts to run it`);
  return args;
}

/**
 * The mock as `npm start` runs it: the request log on (text lines to stdout, a pipe read by the bench),
 * unless `quiet`. The rate limit is lifted so that a load measures the server, not its 429s.
 */
export function startMock(env: Record<string, string> = {}, { quiet = false } = {}): Promise<Started> {
  return start(
    process.execPath,
    [...npmStartCommand(), ...(quiet ? ['--quiet'] : [])],
    { HOST: '127.0.0.1', PORT: '0', RATE_LIMIT_PER_MINUTE: '1000000000', ...env },
    /serving \d+ organizations on (http:\/\/\S+)/,
  );
}

export function startBare(): Promise<Started> {
  return start(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {}, /bare on (http:\/\/\S+)/);
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; 10 ms ticks). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak and current resident memory of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
}
