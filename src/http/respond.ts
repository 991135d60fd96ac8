/** The two bodies every refusal uses: the API's Error body and RFC 6749's OAuth error body. */

import type { Refusal } from '../domain/errors.ts';
import { messages } from '../domain/errors.ts';
import type { OAuthErrorCode } from '../domain/tokens.ts';
import { answerOf, type HttpError } from './http-error.ts';

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message } }, { status, headers });
}

/** A refusal, of the domain or of HTTP, as the Error body with its status and headers. */
export function apiErrorResponse(error: HttpError | Refusal): Response {
  const answer = answerOf(error);
  if (!answer) throw error;
  return errorResponse(answer.status, answer.message, answer.headers);
}

/** Anything thrown that is not a refusal is our fault: 500 with no internals in the body. */
export function toErrorResponse(error: unknown, onInternal: (error: unknown) => void): Response {
  const answer = answerOf(error);
  if (answer) return errorResponse(answer.status, answer.message, answer.headers);
  onInternal(error);
  return errorResponse(500, messages.internal);
}

/** RFC 6749 §5.1: every answer of the token endpoint, tokens and refusals alike, is kept out of caches. */
export const TOKEN_CACHE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function oauthErrorResponse(
  error: OAuthErrorCode,
  description: string,
  status = 400,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { error, error_description: description },
    { status, headers: { ...headers, ...TOKEN_CACHE_HEADERS } },
  );
}

/**
 * The OAuth `error` code of a refusal of the token endpoint by its status, where the refusal does not name
 * one: a malformed request (400, 405, 413), a throttled one (429), our fault (500). RFC 6749 §5.2 has no
 * code for the last two; `temporarily_unavailable` and `server_error` are its §4.1.2.1 codes [ours].
 */
const OAUTH_CODE_OF_STATUS: Record<number, OAuthErrorCode> = {
  429: 'temporarily_unavailable',
  500: 'server_error',
};

/** A refusal, of the domain or of HTTP, in RFC 6749's body: how the token endpoint answers every refusal. */
export function oauthRefusalResponse(error: unknown): Response {
  const answer = answerOf(error);
  if (!answer) throw error;
  const code = answer.oauthError ?? OAUTH_CODE_OF_STATUS[answer.status] ?? 'invalid_request';
  return oauthErrorResponse(code, answer.message, answer.status, answer.headers);
}
