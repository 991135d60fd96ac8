/** Reads request bodies within the size limit, as the real service does: no Content-Type means JSON. */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { invalidInput, messages } from '../domain/errors.ts';
import { MAX_BODY_BYTES } from '../generated/openapi.ts';
import { answerOf, HttpError, refusals } from './http-error.ts';

/** openapi.yaml's x-max-body-bytes, its one home. */
export { MAX_BODY_BYTES };

const tooLargeError = (maxBytes: number) =>
  maxBytes === MAX_BODY_BYTES
    ? refusals.bodyTooLarge()
    : new HttpError(413, messages.bodyTooLargeFor(Math.round(maxBytes / 1024 / 1024)));

/** Past the limit: 413 where the operation documents it, else a 400 with the same message. */
const limits = {
  413: bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLargeError(MAX_BODY_BYTES);
    },
  }),
  400: bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw invalidInput(messages.bodyTooLarge);
    },
  }),
};

/**
 * Hono's bodyLimit, with our refusal through its onError hook, called at the point of the pipeline where the
 * body is read (a 2 MB body without a token is a 401, as on the real service, not a 413). It trusts a
 * Content-Length (Node's parser holds the body to it) and counts a chunked body. A client that goes away
 * mid-body is a 400, not an error of ours. The import streams instead: see streamText.
 */
export async function limitBody(c: Context, tooLargeStatus: 400 | 413 = 413): Promise<void> {
  try {
    await limits[tooLargeStatus](c, async () => {});
  } catch (error) {
    if (answerOf(error)) throw error;
    throw invalidInput(messages.bodyIncomplete);
  }
}

/** A read that waits at most `idleMs` for the next piece; past it, a 400 naming the stall. */
function readWithin<T>(read: Promise<T>, idleMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(invalidInput(messages.bodyStalled(Math.round(idleMs / 1000)))), idleMs);
  });
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

/**
 * The body as it arrives, decoded as UTF-8 piece by piece, refused with 413 past the limit whether or not
 * Content-Length tells the truth. A client that goes away mid-body is a 400, not an error of ours; so is
 * one that sends nothing for `idleMs`, when given.
 */
export async function streamText(
  request: Request,
  onText: (text: string) => void | Promise<void>,
  maxBytes = MAX_BODY_BYTES,
  idleMs?: number,
): Promise<void> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLargeError(maxBytes);
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
        chunk = await (idleMs === undefined ? reader.read() : readWithin(reader.read(), idleMs));
      } catch (error) {
        throw answerOf(error) ? error : invalidInput(messages.bodyIncomplete);
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxBytes) throw tooLargeError(maxBytes);
      await onText(decode(chunk.value));
    }
    await onText(decode());
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
}

/** The body as text; its size is limitBody's to check first. */
export async function readText(request: Request): Promise<string> {
  const pieces: string[] = [];
  await streamText(request, (text) => void pieces.push(text), Number.POSITIVE_INFINITY);
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

const utf8 = new TextDecoder('utf-8', { fatal: true });
const tooLargeFor = (status: 400 | 413) =>
  status === 413 ? tooLargeError(MAX_BODY_BYTES) : invalidInput(messages.bodyTooLarge);

/**
 * The body as text within the limit. With a Content-Length (which Node's parser holds the body to), the
 * size is checked first and the body read in one piece: `arrayBuffer()` is the Node adapter's direct read,
 * with no web stream built around the request. A chunked body is counted as it streams.
 */
async function bodyText(c: Context, tooLargeStatus: 400 | 413): Promise<string> {
  const request = c.req.raw;
  const declared = request.headers.get('content-length');
  if (declared === null || request.headers.has('transfer-encoding')) {
    // Counted as it streams; c.req.raw stays the request the app was given (the log keys on it).
    const pieces: string[] = [];
    try {
      await streamText(request, (text) => void pieces.push(text), MAX_BODY_BYTES);
    } catch (error) {
      throw tooLargeStatus === 400 && answerOf(error)?.status === 413 ? tooLargeFor(400) : error;
    }
    return pieces.join('');
  }
  if (Number(declared) > MAX_BODY_BYTES) throw tooLargeFor(tooLargeStatus);
  let bytes: ArrayBuffer;
  try {
    bytes = await request.arrayBuffer();
  } catch {
    throw invalidInput(messages.bodyIncomplete);
  }
  // Where nothing holds a body to its Content-Length (a Request made in-process), the size is checked again.
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLargeFor(tooLargeStatus);
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidInput(messages.bodyNotJson);
  }
}

/**
 * A JSON body, within the API's limit; the schema check that it is an object belongs to the spec validator.
 * The Content-Type is checked first: a form is refused as such, whatever its size.
 */
export async function readJson(c: Context, tooLargeStatus: 400 | 413 = 413): Promise<unknown> {
  if (!isJsonType(c.req.raw.headers.get('content-type'))) throw invalidInput(messages.contentTypeUnsupported);
  const text = await bodyText(c, tooLargeStatus);
  if (text.trim() === '') throw invalidInput(messages.bodyMissing);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput(messages.bodyNotJson);
  }
}
