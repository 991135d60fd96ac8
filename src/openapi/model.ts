/**
 * The spec as the mock and the runner use it: openapi.yaml dereferenced, and the operations it declares.
 * No file reading here, so this runs wherever fetch runs; src/openapi/document.ts loads a spec from a file,
 * src/openapi/bundled.ts gives the copy of openapi.yaml generated at build time.
 */

/** A JSON schema as OpenAPI 3.0 writes it, with our `x-error-message` extension. */
export type Schema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  'x-error-message'?: string;
  [key: string]: unknown;
};

export interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
  schema: Schema;
  example?: unknown;
  description?: string;
  /** Vendor extensions (`x-match`, …) as the spec gives them. */
  [extension: `x-${string}`]: unknown;
}

export interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

export interface ResponseSpec {
  description: string;
  /** A status that only orgs-mock answers (`x-mock-only`), never the real service. */
  'x-mock-only'?: boolean;
  headers?: Record<string, { required?: boolean; schema?: Schema }>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  path: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseSpec>;
  /** The permission a user-scoped token needs (`x-permission`); null when none is needed. */
  permission: string | null;
  /** True when the operation takes a Bearer token (every API operation; not the token endpoint). */
  bearer: boolean;
  /** orgs-mock's own control plane (`x-mock-control`), not part of the real API. */
  control: boolean;
}

export interface SpecDocument {
  /** Where the spec came from: a file path, or `openapi.yaml` for the bundled copy. */
  path: string;
  /** The YAML text, served as /openapi.yaml. */
  text: string;
  raw: Record<string, unknown>;
  /** Every operation, the control plane's included. */
  operations: Operation[];
  /** The operations of the real API: what the mock imitates and the contract runner checks. */
  apiOperations: Operation[];
  byId: Map<string, Operation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** A SpecDocument from a dereferenced OpenAPI document and its source text. */
export function specDocument(raw: Record<string, unknown>, text: string, path: string): SpecDocument {
  const operations = listOperations(raw);
  return {
    path,
    text,
    raw,
    operations,
    apiOperations: operations.filter((op) => !op.control),
    byId: new Map(operations.map((op) => [op.operationId, op])),
  };
}

function listOperations(doc: Record<string, unknown>): Operation[] {
  const globalSecurity = listAt(doc, 'security') ?? [];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const security = listAt(op, 'security') ?? globalSecurity;
      const permission = op['x-permission'];
      // cast: swagger-parser has validated the document against the OpenAPI 3.0 schema (the bundled copy at
      // build time), so these nodes have the shapes that schema gives them: a string operationId, a list
      // of parameters, a request body and responses as described by the types above.
      operations.push({
        operationId: op.operationId as string,
        method,
        path,
        parameters: [...((item.parameters as Parameter[]) ?? []), ...((op.parameters as Parameter[]) ?? [])],
        requestBody: op.requestBody as Operation['requestBody'],
        responses: op.responses as Record<string, ResponseSpec>,
        permission: typeof permission === 'string' ? permission : null,
        bearer: security.some((requirement) => isObject(requirement) && 'bearerAuth' in requirement),
        control: op['x-mock-control'] === true,
      });
    }
  }
  return operations;
}

/** A JSON object (not null, not an array), whose fields are still to be checked. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The list at `key` of a node, if it is one. */
function listAt(node: Record<string, unknown>, key: string): unknown[] | undefined {
  const value = node[key];
  return Array.isArray(value) ? value : undefined;
}

/** The example of a media type, whichever way the spec gives it. */
export function exampleOf(media: MediaType | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return first?.value;
}
