/**
 * Test helpers: an app per test, and a request function that validates every response against
 * openapi.yaml for its operation and status, so the server and its spec cannot drift apart unnoticed.
 */
import { expect } from 'vitest';
import { type AppOptions, cachedSpec, type MockApp } from '../src/http/app.ts';
import { createApp } from '../src/node/app.ts';
import { SpecValidators } from '../src/openapi/validators.ts';

export const TOKENS = {
  root: 'root-admin-token',
  branch: 'branch-admin-token',
  americas: 'americas-admin-token',
  viewer: 'viewer-token',
  noScope: 'no-scope-token',
  expired: 'expired-token',
} as const;

export async function makeApp(options: AppOptions = {}): Promise<MockApp> {
  return createApp({ ...options, config: { quiet: true, ...options.config } });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
  operationId: string | undefined;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** A body sent as it is, not JSON-encoded. */
  raw?: RequestInit['body'];
  headers?: Record<string, string>;
}

let validators: SpecValidators | undefined;
async function specValidators(): Promise<SpecValidators> {
  validators ??= new SpecValidators(await cachedSpec());
  return validators;
}

/** Sends a request through app.request() and checks the response against openapi.yaml. */
export async function call(app: MockApp, method: string, target: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKENS.root : options.token;
  if (token !== null) headers.Authorization ??= `Bearer ${token}`;
  let body: RequestInit['body'] | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await app.request(target, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  const v = await specValidators();
  const pathname = new URL(target, 'http://mock').pathname;
  const op = v.spec.operations.find((o) => o.path === pathname && o.method === method.toLowerCase());
  if (op) {
    const problems = v.responseProblems(op.operationId, {
      status: response.status,
      headers: response.headers,
      body: parsed,
      text,
    });
    expect(problems, `${method} ${target} → ${response.status} ${text}`).toEqual([]);
  } else {
    // Routes outside the spec (unknown paths, wrong methods) still answer with the Error body; the token
    // endpoint's path answers every refusal in RFC 6749's body.
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const tokenPath = v.spec.operations.some((o) => o.path === pathname && !o.bearer && !o.control);
    expect(parsed).toMatchObject(
      tokenPath
        ? { error: expect.any(String), error_description: expect.any(String) }
        : { error: { message: expect.any(String) } },
    );
  }
  return { status: response.status, headers: response.headers, text, body: parsed, operationId: op?.operationId };
}

/** Asserts an Error body with exactly this message. */
export function expectError(reply: Reply, status: number, message: string | RegExp): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status,
    body: { error: { message: typeof message === 'string' ? message : expect.stringMatching(message) } },
  });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
