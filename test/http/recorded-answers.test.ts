/**
 * The mock's answers, byte for byte, over a recorded scenario of every operation and status (the
 * status-coverage requests) with a fixed seed and clock. A refactoring must leave them unchanged; a change
 * of behaviour shows here as a diff of test/recordings/answers.json, to be recorded on purpose with
 * `npx vitest run test/recorded-answers.test.ts -u`.
 */
import { expect, it } from 'vitest';
import { makeApp } from '../helpers.ts';
import { scenarios } from '../scenarios.ts';

const HEADERS = ['content-type', 'www-authenticate', 'retry-after', 'allow', 'cache-control'];
/** Issued tokens are random by design; everything else is fixed by the seed and the clock. */
const maskIssued = (text: string) => text.replace(/("(?:access|refresh)_token":")[^"]+"/g, '$1<issued>"');

it('are byte-identical to the recording', async () => {
  const recorded: Record<string, unknown> = {};
  for (const key of Object.keys(scenarios).sort()) {
    const app = await makeApp({ now: () => Date.UTC(2026, 0, 1, 12, 0, 20), config: { rateLimitPerMinute: 2 } });
    const reply = await scenarios[key]!(app);
    const headers = Object.fromEntries(
      HEADERS.flatMap((name) => (reply.headers.has(name) ? [[name, reply.headers.get(name)]] : [])),
    );
    recorded[key] = { status: reply.status, headers, body: maskIssued(reply.text) };
  }
  await expect(`${JSON.stringify(recorded, null, 1)}\n`).toMatchFileSnapshot('../recordings/answers.json');
});
