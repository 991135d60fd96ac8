/** The two bodies every refusal uses: the API's Error body and RFC 6749's OAuth error body. */
import { ApiError, messages } from '../domain/errors.ts';

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message } }, { status, headers });
}

export function apiErrorResponse(error: ApiError): Response {
  return errorResponse(error.status, error.message, error.headers);
}

/** Anything thrown that is not an ApiError is our fault: 500 with no internals in the body. */
export function toErrorResponse(error: unknown, onInternal: (error: unknown) => void): Response {
  if (error instanceof ApiError) return apiErrorResponse(error);
  onInternal(error);
  return errorResponse(500, messages.internal);
}

export function oauthErrorResponse(error: string, description: string): Response {
  return Response.json(
    { error, error_description: description },
    { status: 400, headers: { 'Cache-Control': 'no-store' } },
  );
}
