/** Waits for a spawned `orgs-mock serve` to print its banner, and gives the URL it serves on. */
import type { ChildProcess } from 'node:child_process';

export interface Started {
  url: string;
  /** Everything the process printed so far, stdout and stderr. */
  output: () => string;
}

export function waitForBanner(child: ChildProcess, timeoutMs: number): Promise<Started> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving \d+ organizations on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] as string, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before its banner:\n${output}`));
    });
  });
}
