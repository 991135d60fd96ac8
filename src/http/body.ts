/** Reads request bodies within the size limit, as the real service does: no Content-Type means JSON. */
import { ApiError, badRequest, messages } from '../domain/errors.ts';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

const tooLarge = (maxBytes: number) =>
  new ApiError(413, maxBytes === MAX_BODY_BYTES ? messages.bodyTooLarge : messages.bodyTooLargeFor(Math.round(maxBytes / 1024 / 1024)));

/** The body as text, refused with 413 past the limit whether or not Content-Length tells the truth. */
export async function readText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, size));
  } catch {
    throw badRequest(messages.bodyNotJson);
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

/**
 * No Content-Type is JSON, as on the real service; so is text/plain, which is what fetch() sends for a
 * string body when the caller forgets the header. Forms, multipart and XML are refused.
 */
function isJsonType(contentType: string | null): boolean {
  if (contentType === null || contentType.trim() === '') return true;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || essence.endsWith('+json') || essence === 'text/plain';
}

/** A JSON body; the schema check that it is an object belongs to the spec validator. */
export async function readJson(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  if (!isJsonType(request.headers.get('content-type'))) throw badRequest(messages.contentTypeUnsupported);
  const text = await readText(request, maxBytes);
  if (text.trim() === '') throw badRequest(messages.bodyMissing);
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(messages.bodyNotJson);
  }
}
