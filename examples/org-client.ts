/**
 * A small Organizations client, as a frontend would write it: plain fetch, typed by the types that
 * orgs-mock generates from openapi.yaml. The fetch is injectable, so unit tests can hand it the mock.
 */
import type { ErrorBody, Organization, OrganizationCreate, SearchResult } from '../src/index.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function orgClient(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new ApiError(response.status, ((await response.json()) as ErrorBody).error.message);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  return {
    search: (query: string) =>
      request<SearchResult>('GET', `/api/v1/organization/search?query=${encodeURIComponent(query)}`),
    create: (org: OrganizationCreate) => request<Organization>('POST', '/api/v1/organization/create', org),
    remove: (orgId: number) => request<void>('DELETE', `/api/v1/organization?orgId=${orgId}`),
  };
}
