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
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (!match) return;
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

export function startMock(env: Record<string, string> = {}): Promise<Started> {
  return start(
    process.execPath,
    ['bin/orgs-mock.mjs', 'serve', '--quiet'],
    { HOST: '127.0.0.1', PORT: '0', RATE_LIMIT_PER_MINUTE: '1000000000', ...env },
    /serving \d+ organizations on (http:\/\/\S+)/,
  );
}

export function startBare(): Promise<Started> {
  return start(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], {}, /bare on (http:\/\/\S+)/);
}

/** Peak and current resident memory of a process, in MB, from /proc (Linux). */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
}
