/**
 * Refusals as HTTP answers: the domain's refusal codes mapped to statuses, and the HTTP layer's own
 * refusals (authentication, permission, rate limit, body size, method) with their status and headers.
 * The refusals that the pipeline and `Prefer: code=N` both send are built here, once (`refusals`).
 */
import { messages, Refusal, type RefusalCode } from '../domain/errors.ts';
import type { OAuthErrorCode } from '../domain/tokens.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 429 | 500;

/** A refusal that only HTTP knows, answered as the Error body with this status and these headers. */
export class HttpError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The `error` code when the token endpoint answers it in RFC 6749's body; else one by status. */
    readonly oauthError?: OAuthErrorCode,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF: Record<RefusalCode, ErrorStatus> = { invalid: 400, not_found: 404, conflict: 409, gone: 410 };

export interface Answer {
  status: ErrorStatus;
  message: string;
  headers: Record<string, string>;
  oauthError?: OAuthErrorCode;
}

/** Every refusal, of the domain or of HTTP, as the status and headers of its answer; undefined for a bug. */
export function answerOf(error: unknown): Answer | undefined {
  if (error instanceof HttpError) {
    const answer: Answer = { status: error.status, message: error.message, headers: error.headers };
    if (error.oauthError) answer.oauthError = error.oauthError;
    return answer;
  }
  if (error instanceof Refusal) return { status: STATUS_OF[error.code], message: error.message, headers: {} };
  return undefined;
}

/** The HTTP layer's refusals, each built in one place for the pipeline and for `Prefer: code=N` alike. */
export const refusals = {
  noPlatformScope: () => new HttpError(403, messages.noPlatformScope),
  permissionMissing: (permission: string) => new HttpError(403, messages.permissionMissing(permission)),
  rateLimited: (limitPerMinute: number, retryAfterSeconds: number) =>
    new HttpError(429, messages.rateLimited(limitPerMinute), { 'Retry-After': String(retryAfterSeconds) }),
  clientFailuresLimited: (limitPerMinute: number, retryAfterSeconds: number) =>
    new HttpError(
      429,
      messages.clientFailuresLimited(limitPerMinute),
      { 'Retry-After': String(retryAfterSeconds) },
      'invalid_client',
    ),
  bodyTooLarge: (status: 400 | 413 = 413) => new HttpError(status, messages.bodyTooLarge),
  methodNotAllowed: (method: string, allow: string) =>
    new HttpError(405, messages.methodNotAllowed(method, allow), { Allow: allow }),
  internal: () => new HttpError(500, messages.internal),
};
