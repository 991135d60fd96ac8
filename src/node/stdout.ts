/**
 * Request lines to stdout without blocking: Node writes to a pipe or a file synchronously (a terminal or a
 * reader that falls behind would stall every request), so the lines go through a write stream on fd 1,
 * whose writes run on libuv's thread pool. Past MAX_PENDING_BYTES not yet written, lines are dropped and
 * counted, so that memory stays bounded when nothing reads the output.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

const MAX_PENDING_BYTES = 8 * 1024 * 1024;

let stream: WriteStream | undefined;
let dropped = 0;

export function writeStdoutLines(lines: string): void {
  stream ??= createWriteStream('', { fd: 1, autoClose: false });
  if (stream.writableLength > MAX_PENDING_BYTES) {
    dropped += lines.split('\n').length;
    return;
  }
  if (dropped > 0) {
    stream.write(`(${dropped} log lines dropped: stdout was not keeping up)\n`);
    dropped = 0;
  }
  stream.write(`${lines}\n`);
}

/** Resolves once the lines given so far are written (before a process.exit, which would drop them). */
export function drainStdout(): Promise<void> {
  const pending = stream;
  if (!pending || pending.writableLength === 0) return Promise.resolve();
  // Writes complete in order: this empty one's callback comes after all before it.
  return new Promise((resolve) => pending.write('', () => resolve()));
}
