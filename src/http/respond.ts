/** The two bodies every refusal uses: the API's Error body and RFC 6749's OAuth error body. */

import type { Refusal } from '../domain/errors.ts';
import { messages } from '../domain/errors.ts';
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

export function oauthErrorResponse(error: string, description: string): Response {
  return Response.json(
    { error, error_description: description },
    { status: 400, headers: { 'Cache-Control': 'no-store' } },
  );
}
