/**
 * Answers whose body a client cannot simply read to the end: one that never ends, one whose connection is
 * cut halfway, and one of 200 MB. Each stops writing as soon as the client goes away, so a runner that
 * gives up early costs this server nothing more.
 */
import type { ServerResponse } from 'node:http';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Writes `chunk` again and again while `more()` holds, waiting for the socket to drain (no buffering here). */
function pump(res: ServerResponse, chunk: Buffer, more: (written: number) => boolean, done: () => void): void {
  let written = 0;
  let gone = false;
  res.on('close', () => {
    gone = true;
  });
  const step = () => {
    while (!gone && more(written)) {
      written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', step);
        return;
      }
    }
    if (!gone) done();
  };
  step();
}

/**
 * A 200 search page that never ends: 16 KB every 20 ms (well under a megabyte a second, so a runner
 * without a time limit hangs rather than running out of memory), until the client closes the connection.
 */
export function endlessBody(res: ServerResponse): void {
  res.writeHead(200, JSON_HEADERS);
  res.write('{"content":[');
  const chunk = Buffer.from(`${'{"id":1,"name":"Endless"},'.repeat(630)}`);
  const timer = setInterval(() => {
    if (res.destroyed) clearInterval(timer);
    else res.write(chunk);
  }, 20);
  res.on('close', () => clearInterval(timer));
}

/** Promises 100,000 bytes, sends 1,000 of them, and cuts the connection. */
export function cutBody(res: ServerResponse): void {
  res.writeHead(200, { ...JSON_HEADERS, 'content-length': '100000' });
  res.write(`{"content":[${' '.repeat(988)}`, () => res.socket?.destroy());
}

export const HUGE_BYTES = 200 * 1024 * 1024;

/** A 200 MB JSON answer, chunked (no Content-Length to refuse it by): one long string property. */
export function hugeBody(res: ServerResponse): void {
  res.writeHead(200, JSON_HEADERS);
  res.write('{"content":[],"padding":"');
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  pump(
    res,
    chunk,
    (written) => written + chunk.length <= HUGE_BYTES,
    () => res.end('"}'),
  );
}
