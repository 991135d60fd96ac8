/**
 * Refusals as HTTP answers: the domain's refusal codes mapped to statuses, and the HTTP layer's own
 * refusals (authentication, permission, rate limit, body size, method) with their status and headers.
 */
import { Refusal, type RefusalCode } from '../domain/errors.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 429 | 500;

/** A refusal that only HTTP knows, answered as the Error body with this status and these headers. */
export class HttpError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF: Record<RefusalCode, ErrorStatus> = { invalid: 400, not_found: 404, conflict: 409, gone: 410 };

/** Every refusal, of the domain or of HTTP, as the status and headers of its answer; undefined for a bug. */
export function answerOf(
  error: unknown,
): { status: ErrorStatus; message: string; headers: Record<string, string> } | undefined {
  if (error instanceof HttpError) return { status: error.status, message: error.message, headers: error.headers };
  if (error instanceof Refusal) return { status: STATUS_OF[error.code], message: error.message, headers: {} };
  return undefined;
}
