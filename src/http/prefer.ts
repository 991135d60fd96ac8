/**
 * The `Prefer` request header, as Prism users know it: `Prefer: code=429` answers with that documented
 * status and a realistic body and headers taken from openapi.yaml; `Prefer: delay=800` delays the answer.
 */
import { headerOf } from './header-of.ts';
import type { Context } from 'hono';
import { exampleOf, type Operation } from '../spec/document.ts';
import { REALM } from './operation-route.ts';

export const MAX_PREFERRED_DELAY_MS = 60_000;

export interface Preference {
  code?: number;
  delayMs?: number;
}

export function parsePrefer(header: string | undefined): Preference {
  const preference: Preference = {};
  if (!header) return preference;
  for (const part of header.split(/[,;]/)) {
    const [name, value] = part.split('=').map((s) => s.trim().toLowerCase());
    if (!value || !/^\d{1,6}$/.test(value)) continue;
    if (name === 'code') preference.code = Number(value);
    if (name === 'delay') preference.delayMs = Math.min(Number(value), MAX_PREFERRED_DELAY_MS);
  }
  return preference;
}

/** Headers that a client relies on for these statuses, as the real answers carry them. */
const REQUIRED_HEADERS: Record<number, Record<string, string>> = {
  401: { 'WWW-Authenticate': `Bearer realm="${REALM}"` },
  429: { 'Retry-After': '60' },
};

/** The documented answer for `code`, or undefined when the operation does not document it. */
export function preferredResponse(op: Operation, code: number): Response | undefined {
  const documented = op.responses[String(code)];
  if (!documented) return undefined;
  const headers: Record<string, string> = { ...REQUIRED_HEADERS[code] };
  const media = documented.content?.['application/json'];
  if (!media) return new Response(null, { status: code, headers });
  const example = exampleOf(media) ?? { error: { message: documented.description } };
  return Response.json(example, { status: code, headers });
}

export type Route = (c: Context) => Response | Promise<Response>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wraps a route so that it honours `Prefer`. An undocumented code is ignored, so the answer stays in the contract. */
export function preferring(op: Operation, route: Route): Route {
  return (c) => {
    const header = headerOf(c, 'prefer');
    if (header === undefined) return route(c);
    const preference = parsePrefer(header);
    const answer = () => (preference.code === undefined ? undefined : preferredResponse(op, preference.code)) ?? route(c);
    return preference.delayMs ? sleep(preference.delayMs).then(answer) : answer();
  };
}
