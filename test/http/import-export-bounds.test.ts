/** The control plane's import and export under hostile bodies: bounded work, nothing kept that is not used. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MockApp } from '../../src/http/app.ts';
import { EXPORT_IDLE_MS, IMPORT_IDLE_MS, MAX_EXPORTS } from '../../src/http/control.ts';
import { call, makeApp } from '../helpers.ts';

/** An import sent in 16 KB pieces, as a socket delivers it (one piece would hide limits that apply across pieces). */
async function importInPieces(target: MockApp, text: string): Promise<{ status: number; body: unknown }> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + 16_384));
        at += 16_384;
      }
    },
  });
  const response = await target.request('/_mock/state', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, body: await response.json() };
}

let app: MockApp;
beforeEach(async () => {
  app = await makeApp();
});

describe('import: unknown top-level fields are skipped unread', () => {
  it('takes a snapshot with a 450 KB unknown field of [{},{},…] and 20,000 distinct unknown keys', async () => {
    const exported = (await call(app, 'GET', '/_mock/state')).text;
    const junk = `[${Array.from({ length: 150_000 }, () => '{}').join(',')}]`;
    const keys = Array.from({ length: 20_000 }, (_, i) => `"unknown${i}":${i}`).join(',');
    const text = `{"comment":${junk},${keys},"note":"a \\"quoted\\" {[ text",${exported.slice(1)}`;
    const imported = await importInPieces(app, text);
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({ organizations: 105 });
    expect((await call(app, 'GET', '/_mock/state')).text).toBe(exported);
  });

  it('still refuses text that is not JSON around a skipped field', async () => {
    const exported = (await call(app, 'GET', '/_mock/state')).text;
    const broken = await importInPieces(app, `{"comment":[1,2]]${exported.slice(1)}`);
    expect(broken.status).toBe(400);
  });
});

/** A body whose pieces the test sends when it says; `end()` closes it. */
function heldBody() {
  let control: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      control = controller;
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    send: (text: string) => control?.enqueue(encoder.encode(text)),
    end: () => control?.close(),
  };
}

const putState = (target: MockApp, body: ReadableStream<Uint8Array> | string) =>
  target.request('/_mock/state', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);

describe('import: a slow body holds nothing but itself', () => {
  it('another import is answered while a slow one is still arriving', async () => {
    const exported = (await call(app, 'GET', '/_mock/state')).text;
    const slow = heldBody();
    const slowAnswer = putState(app, slow.stream);
    slow.send(exported.slice(0, 100));
    const other = await putState(app, exported);
    expect(other.status).toBe(200);
    slow.send(exported.slice(100));
    slow.end();
    expect((await slowAnswer).status).toBe(200);
  }, 5_000);

  it('a body that sends nothing for IMPORT_IDLE_MS is refused with 400 naming the stall', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const stalled = heldBody();
      const answer = putState(app, stalled.stream);
      stalled.send('{"format":"orgs-mock/state@1","organizations":[');
      await vi.advanceTimersByTimeAsync(IMPORT_IDLE_MS);
      const response = await answer;
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { message: 'Request body stalled: nothing arrived for 10 s.' } });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('export: a bounded number at once, and a client that stops reading gives its turn back', () => {
  it(`a ${MAX_EXPORTS + 1}th export waits for a turn, which a cancelled one frees`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_EXPORTS }, () => app.request('/_mock/state')));
    for (const response of held) expect(response.status).toBe(200);
    let waitingAnswered = false;
    const waiting = Promise.resolve(app.request('/_mock/state')).then((response) => {
      waitingAnswered = true;
      return response;
    });
    // Other requests are answered meanwhile, and the waiting export is still waiting after them.
    expect((await call(app, 'GET', '/_mock/health')).status).toBe(200);
    expect(waitingAnswered).toBe(false);
    await held[0]?.body?.cancel();
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(JSON.parse(await answered.text()).organizations).toHaveLength(105);
    for (const response of held.slice(1)) await response.body?.cancel();
  });

  it('an export nobody reads is cut after EXPORT_IDLE_MS, and its turn goes to the next', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const unread = await Promise.all(Array.from({ length: MAX_EXPORTS }, () => app.request('/_mock/state')));
      const next = app.request('/_mock/state');
      await vi.advanceTimersByTimeAsync(EXPORT_IDLE_MS);
      const answered = await next;
      expect(answered.status).toBe(200);
      await expect(unread[0]?.text()).rejects.toThrow('The client stopped reading an export.');
      await answered.body?.cancel();
    } finally {
      vi.useRealTimers();
    }
  });
});
