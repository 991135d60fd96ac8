/** Small helpers the checks share: requests in the spec's terms, expectations and findings. */
import type { Exchange, OutgoingRequest } from '../client.ts';
import type { CheckContext } from '../context.ts';
import { fillMessage, type Refusal } from '../contract-spec.ts';
import { fieldsOf, stringAt, stringsOf } from '../json.ts';
import type { Finding } from '../model.ts';

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

export function request(
  ctx: CheckContext,
  operationId: string,
  query: Record<string, string | undefined> = {},
  body?: unknown,
  token: string | null = ctx.token,
): OutgoingRequest {
  const op = ctx.spec.op(operationId);
  return {
    operationId,
    method: op.method.toUpperCase(),
    path: op.path,
    query,
    body,
    headers: token === null ? {} : bearer(token),
  };
}

export const send = (ctx: CheckContext, req: OutgoingRequest): Promise<Exchange> => ctx.client.send(req);

/** An organization as a target answered it: its fields are of unknown type until a check narrows them. */
export type Org = Record<string, unknown>;
export type Page = { content: Org[]; totalElements: number };

/** A 200 answer with a `content` list and a numeric `totalElements`; an item that is no object has no fields. */
export function pageOf(exchange: Exchange): Page | undefined {
  const body = fieldsOf(exchange.response.body);
  const content = body?.content;
  const totalElements = body?.totalElements;
  if (exchange.response.status !== 200 || !Array.isArray(content) || typeof totalElements !== 'number')
    return undefined;
  return { content: content.map((item: unknown) => fieldsOf(item) ?? {}), totalElements };
}

export function search(ctx: CheckContext, query: Record<string, string>, token = ctx.token): Promise<Exchange> {
  return send(ctx, request(ctx, 'searchOrganizations', query, undefined, token));
}

export function statusLine(exchange: Exchange): string {
  return `${exchange.response.status} ${exchange.response.text.slice(0, 160)}`;
}

/** Marks the exchange with the message openapi.yaml documents for the refusal provoked. */
export function expectRefusal(
  exchange: Exchange,
  refusal: Refusal | undefined,
  values: Record<string, string | number> = {},
): void {
  if (!refusal) return;
  if (refusal.message) {
    exchange.expectation = {
      template: refusal.message,
      values,
      status: refusal.status,
      field: exchange.request.path.includes('oauth2') ? 'error_description' : 'message',
      pointer: `${refusal.pointer}/message`,
      severity: refusal.messageSeverity,
    };
  }
}

/** A refusal with the documented status, or a finding. The message is left to the error_message check. */
export function refused(
  ctx: CheckContext,
  exchange: Exchange,
  refusal: Refusal | undefined,
  values: Record<string, string | number> = {},
  what = '',
): Finding[] {
  const status = refusal?.status ?? 400;
  expectRefusal(exchange, refusal, values);
  const actual = exchange.response.status;
  if (actual === status) return [];
  const severity = actual >= 400 && actual < 500 ? refusal?.statusSeverity : refusal?.ruleSeverity;
  return [
    ctx.finding({
      operation: exchange.request.operationId,
      expected: `${status}${refusal?.message ? ` "${fillMessage(refusal.message, values)}"` : ''}${what ? ` (${what})` : ''}`,
      actual: statusLine(exchange),
      specLocation: refusal?.pointer ?? ctx.spec.operationPointer(exchange.request.operationId),
      severity,
      exchange,
    }),
  ];
}

/** The token's organization's place: may the run create below it at all? */
export function requireCreate(ctx: CheckContext): void {
  const why = ctx.sandbox.writesUnavailable;
  if (why) throw new SkipError(why);
}

import { Skip } from '../model.ts';
export class SkipError extends Skip {}

/** An id that no server is expected to show: the largest int32 (GET only). */
export const UNLIKELY_ID = 2_147_483_647;

export const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The message a schema documents for a broken keyword: `x-error-messages[keyword]`, else `x-error-message`. */
export function schemaMessage(
  ctx: CheckContext,
  schema: import('../../openapi/document.ts').Schema | undefined,
  keyword: string,
): import('../client.ts').MessageExpectation | undefined {
  if (!schema) return undefined;
  const pointer = ctx.spec.pointerOf(schema);
  const specific = stringsOf(schema['x-error-messages'])?.[keyword];
  const template = specific ?? stringAt(schema, 'x-error-message');
  if (!template) return undefined;
  const at = specific ? `${pointer}/x-error-messages/${keyword}` : `${pointer}/x-error-message`;
  return {
    template,
    status: 400,
    field: 'message',
    pointer: at,
    severity: ctx.spec.severityAt(pointer, specific ? 'x-error-messages' : 'x-error-message'),
  };
}
