/** The control plane's import and export under hostile bodies: bounded work, nothing kept that is not used. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../src/http/app.ts';
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
