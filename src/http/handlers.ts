/**
 * One thin handler per operationId of openapi.yaml. The pipeline has already authenticated,
 * rate-limited, checked the permission and validated the request against the spec.
 */
import { publicJson } from '../domain/organization.ts';
import type { MockState } from '../domain/runtime.ts';
import type { Principal } from '../domain/tokens.ts';
import type { CreateInput, SearchQuery } from '../domain/tree.ts';
import type { QueryValues } from '../openapi/validators.ts';

export interface OperationInput {
  principal: Principal;
  query: QueryValues;
  body: unknown;
  state: MockState;
  now: number;
}

export interface OperationResult {
  status: number;
  /** The JSON body, already serialized; absent for 204. */
  json?: string;
}

export type OperationHandler = (input: OperationInput) => OperationResult;

/** The search parameters, which the spec's validator has checked and completed with their defaults. */
function searchQuery(query: QueryValues): SearchQuery {
  return {
    query: query.query as string,
    sortBy: query.sortBy as SearchQuery['sortBy'],
    sortOrder: query.sortOrder as SearchQuery['sortOrder'],
    page: query.page as number,
    size: query.size as number,
  };
}

export const operationHandlers: Record<string, OperationHandler> = {
  getCurrentOrganization: ({ principal, state }) => ({
    status: 200,
    json: publicJson(state.tree.getVisible(principal.organizationId, principal.organizationId)),
  }),

  searchOrganizations: ({ principal, query, state }) => {
    const page = state.tree.search(principal.organizationId, searchQuery(query));
    return {
      status: 200,
      json: `{"content":[${page.content.map(publicJson).join(',')}],"totalElements":${page.totalElements}}`,
    };
  },

  getOrganization: ({ principal, query, state }) => ({
    status: 200,
    json: publicJson(state.tree.getVisible(query.orgId as number, principal.organizationId)),
  }),

  createOrganization: ({ principal, body, state, now }) => ({
    status: 201,
    json: publicJson(state.tree.create(principal.organizationId, body as CreateInput, now)),
  }),

  updateOrganization: ({ principal, query, body, state, now }) => ({
    status: 200,
    json: publicJson(
      state.tree.rename(
        principal.organizationId,
        query.orgId as number | undefined,
        (body as { name: string }).name,
        now,
      ),
    ),
  }),

  deleteOrganization: ({ principal, query, state }) => {
    state.tree.remove(principal.organizationId, query.orgId as number);
    return { status: 204 };
  },
};
