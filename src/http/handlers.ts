/**
 * One thin handler per operationId of openapi.yaml. The pipeline has already authenticated,
 * rate-limited, checked the permission and validated the request against the spec.
 */
import { publicJson, publicJsonList, publicJsonText } from '../domain/organization.ts';
import type { MockState } from '../domain/runtime.ts';
import type { Principal } from '../domain/tokens.ts';
import type { CheckedBody, CheckedQuery } from '../openapi/operation-types.ts';
import type { QueryValues } from '../openapi/validators.ts';

/** What the pipeline passes a handler: the query and body as the spec's validators return them. */
export interface OperationInput {
  principal: Principal;
  query: QueryValues;
  body: unknown;
  state: MockState;
  now: number;
}

/** The same, typed by the operation: the generated types of its query and body, as checked. */
interface CheckedInput<Op extends HandledOperation> {
  principal: Principal;
  query: CheckedQuery<Op>;
  body: CheckedBody<Op>;
  state: MockState;
  now: number;
}

/** The status, and the JSON body already serialized, as text or UTF-8 (none for 204). */
export type OperationResult = { status: 204 } | { status: 200 | 201; json: string | Uint8Array<ArrayBuffer> };

export type OperationHandler = (input: OperationInput) => OperationResult;

/** The operations of the real API, which the mock answers through the pipeline. */
type HandledOperation =
  | 'getCurrentOrganization'
  | 'searchOrganizations'
  | 'getOrganization'
  | 'createOrganization'
  | 'updateOrganization'
  | 'deleteOrganization';

export const operationHandlers: { [Op in HandledOperation]: (input: CheckedInput<Op>) => OperationResult } = {
  getCurrentOrganization: ({ principal, state }) => ({
    status: 200,
    json: publicJson(state.tree.getVisible(principal.organizationId, principal.organizationId)),
  }),

  searchOrganizations: ({ principal, query, state }) => {
    const page = state.tree.search(principal.organizationId, query);
    return {
      status: 200,
      json: publicJsonList(page.content, '{"content":[', `],"totalElements":${page.totalElements}}`),
    };
  },

  getOrganization: ({ principal, query, state }) => ({
    status: 200,
    json: publicJson(state.tree.getVisible(query.orgId, principal.organizationId)),
  }),

  createOrganization: ({ principal, body, state, now }) => ({
    status: 201,
    json: publicJsonText(state.tree.create(principal.organizationId, body, now)),
  }),

  updateOrganization: ({ principal, query, body, state, now }) => ({
    status: 200,
    json: publicJsonText(state.tree.rename(principal.organizationId, query.orgId, body.name, now)),
  }),

  deleteOrganization: ({ principal, query, state }) => {
    state.tree.remove(principal.organizationId, query.orgId);
    return { status: 204 };
  },
};

const isHandled = (operationId: string): operationId is HandledOperation =>
  Object.hasOwn(operationHandlers, operationId);

/** The handler of an operation, as the pipeline calls it; undefined when the mock has none. */
export function handlerFor(operationId: string): OperationHandler | undefined {
  return isHandled(operationId) ? checkedHandler(operationId) : undefined;
}

function checkedHandler<Op extends HandledOperation>(operationId: Op): OperationHandler {
  const handler: (input: CheckedInput<Op>) => OperationResult = operationHandlers[operationId];
  // cast: the pipeline has checked the query and body against this operation's schemas in the spec, from
  // which the generated types are made, with defaults filled in and null fields dropped (CheckedQuery/Body).
  return (input) => handler(input as CheckedInput<Op>);
}
