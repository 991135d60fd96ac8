/**
 * Checks applied to every response the runner receives, whatever check sent the request. Each is a
 * small named function with one job, as in Schemathesis; each returns the reason it failed, or nothing.
 */
import type { SpecValidators } from '../spec/validators.ts';
import type { Exchange } from './client.ts';

export type ResponseCheck = (exchange: Exchange, validators: SpecValidators) => string | undefined;

export function not_a_server_error(exchange: Exchange): string | undefined {
  const { status } = exchange.response;
  return status >= 500 ? `The server answered ${status}: ${exchange.response.text.slice(0, 200)}` : undefined;
}

export function status_code_conformance(exchange: Exchange, validators: SpecValidators): string | undefined {
  const { operationId } = exchange.request;
  const { status } = exchange.response;
  if (validators.documented(operationId, status)) return undefined;
  const op = validators.spec.byId.get(operationId);
  return `Status ${status} is not documented for ${operationId} (documented: ${Object.keys(op?.responses ?? {}).join(', ')}).`;
}

export function content_type_conformance(exchange: Exchange, validators: SpecValidators): string | undefined {
  const { operationId } = exchange.request;
  const { status, headers, text } = exchange.response;
  if (!validators.documented(operationId, status)) return undefined;
  return validators.contentTypeProblem(operationId, status, headers, text);
}

export function response_schema_conformance(exchange: Exchange, validators: SpecValidators): string | undefined {
  const { operationId } = exchange.request;
  const { status, headers, text, body } = exchange.response;
  if (!validators.documented(operationId, status)) return undefined;
  if (validators.contentTypeProblem(operationId, status, headers, text)) return undefined;
  if (text !== '' && body === undefined) return 'The body is not valid JSON.';
  return validators.bodyProblems(operationId, status, headers, body)[0];
}

export function response_headers_conformance(exchange: Exchange, validators: SpecValidators): string | undefined {
  const { operationId } = exchange.request;
  const { status, headers } = exchange.response;
  if (!validators.documented(operationId, status)) return undefined;
  return validators.headerProblems(operationId, status, headers)[0];
}

export const RESPONSE_CHECKS: ResponseCheck[] = [
  not_a_server_error,
  status_code_conformance,
  content_type_conformance,
  response_schema_conformance,
  response_headers_conformance,
];
