/** Reads request bodies within the size limit, as the real service does: no Content-Type means JSON. */
import { invalidInput, messages } from '../domain/errors.ts';
import { HttpError } from './http-error.ts';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

const tooLarge = (maxBytes: number) =>
  new HttpError(
    413,
    maxBytes === MAX_BODY_BYTES ? messages.bodyTooLarge : messages.bodyTooLargeFor(Math.round(maxBytes / 1024 / 1024)),
  );

/**
 * The body as it arrives, decoded as UTF-8 piece by piece, refused with 413 past the limit whether or not
 * Content-Length tells the truth. A client that goes away mid-body is a 400, not an error of ours.
 */
export async function streamText(
  request: Request,
  onText: (text: string) => void | Promise<void>,
  maxBytes = MAX_BODY_BYTES,
): Promise<void> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return;
  const reader = request.body.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes?: Uint8Array) => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw invalidInput(messages.bodyNotJson);
    }
  };
  let size = 0;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw invalidInput(messages.bodyIncomplete);
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      await onText(decode(chunk.value));
    }
    await onText(decode());
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
}

/** The body as text, within the limit. */
export async function readText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const pieces: string[] = [];
  await streamText(request, (text) => void pieces.push(text), maxBytes);
  return pieces.join('');
}

/**
 * No Content-Type is JSON, as on the real service; so is text/plain, which is what fetch() sends for a
 * string body when the caller forgets the header. Forms, multipart and XML are refused.
 */
export function isJsonType(contentType: string | null): boolean {
  if (contentType === null || contentType.trim() === '') return true;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || essence.endsWith('+json') || essence === 'text/plain';
}

/** A JSON body; the schema check that it is an object belongs to the spec validator. */
export async function readJson(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  if (!isJsonType(request.headers.get('content-type'))) throw invalidInput(messages.contentTypeUnsupported);
  const text = await readText(request, maxBytes);
  if (text.trim() === '') throw invalidInput(messages.bodyMissing);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput(messages.bodyNotJson);
  }
}
