/**
 * The request and response types of each operation, from the types generated from openapi.yaml
 * (src/generated/openapi.ts), and the forms a request takes once the spec's validators have checked it.
 */
import type { operations, QueryDefaults } from '../generated/openapi.ts';

export type OperationId = keyof operations;
/** The query parameters of an operation. */
export type QueryOf<Op extends OperationId> = operations[Op]['parameters'] extends { query?: infer Q } ? Q : never;
/** The JSON request body of an operation. */
export type RequestBodyOf<Op extends OperationId> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B
    : never;
/** The JSON body of an operation's response with this status. */
export type ResponseBodyOf<
  Op extends OperationId,
  Status extends keyof operations[Op]['responses'],
> = operations[Op]['responses'][Status] extends { content: { 'application/json': infer B } } ? B : never;

/** The query once checked: parameters with a default in openapi.yaml are always present. */
export type CheckedQuery<Op extends OperationId> = [QueryOf<Op>] extends [never]
  ? Record<string, never>
  : Op extends keyof QueryDefaults
    ? QueryOf<Op> & Required<Pick<QueryOf<Op>, QueryDefaults[Op] & keyof QueryOf<Op>>>
    : QueryOf<Op>;

/** The JSON body once checked: optional fields given as `null` ("not given") have been dropped. */
export type CheckedBody<Op extends OperationId> = [RequestBodyOf<Op>] extends [never]
  ? undefined
  : { [K in keyof RequestBodyOf<Op>]: Exclude<RequestBodyOf<Op>[K], null> };
