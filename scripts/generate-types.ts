/**
 * Generates src/generated/openapi.ts, the TypeScript types of every request and response, from
 * openapi.yaml with openapi-typescript. `npm run generate:types` writes it; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

export const SPEC_URL = new URL('../openapi.yaml', import.meta.url);
export const TYPES_PATH = new URL('../src/generated/openapi.ts', import.meta.url);

type Parameter = { name: string; in?: string; schema?: { enum?: string[]; default?: unknown } };
type Operation = {
  operationId?: string;
  'x-permission'?: string | null;
  parameters?: (Parameter | { $ref: string })[];
  'x-refusals'?: Record<string, RefusalSpec>;
  responses?: Record<string, { 'x-refusals'?: Record<string, RefusalSpec> }>;
};
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components?: {
    parameters?: Record<string, Parameter>;
    responses?: Record<string, { 'x-refusals'?: Record<string, RefusalSpec> }>;
    schemas?: Record<string, MessageSchema>;
  };
  'x-max-body-bytes'?: number;
};
type RefusalSpec = { status: number; message?: string; error?: string };
type MessageSchema = { 'x-error-message'?: string; properties?: Record<string, MessageSchema> };

/**
 * The one table of refusals: every `x-refusals` entry of openapi.yaml with its status, OAuth error code and
 * message template, keyed by name (those of components.responses) or `operationId.name` (those of an
 * operation and its own responses). The catalogue (src/domain/errors.ts) takes its texts from here.
 */
function refusalTable(spec: Spec, operations: Operation[]): string {
  const entries: Record<string, { status: number; error?: string; message?: string }> = {};
  const add = (key: string, refusal: RefusalSpec) => {
    if (key in entries) throw new Error(`openapi.yaml: refusal ${key} is declared twice.`);
    entries[key] = {
      status: refusal.status,
      ...(refusal.error !== undefined && { error: refusal.error }),
      ...(refusal.message !== undefined && { message: refusal.message }),
    };
  };
  for (const response of Object.values(spec.components?.responses ?? {})) {
    for (const [key, refusal] of Object.entries(response['x-refusals'] ?? {})) add(key, refusal);
  }
  for (const op of operations) {
    const holders = [op, ...Object.values(op.responses ?? {})];
    for (const holder of holders) {
      for (const [key, refusal] of Object.entries(holder['x-refusals'] ?? {})) add(`${op.operationId}.${key}`, refusal);
    }
  }
  return `export const REFUSALS = ${JSON.stringify(entries, null, 2)} as const;`;
}

/** A schema's `x-error-message` and those of its properties, by dotted path (`` for the schema itself). */
function schemaMessages(spec: Spec, name: string): string {
  const schema = spec.components?.schemas?.[name];
  if (!schema) throw new Error(`openapi.yaml: components.schemas has no ${name}.`);
  const out: Record<string, string> = {};
  const walk = (node: MessageSchema, path: string) => {
    if (node['x-error-message'] !== undefined) out[path] = node['x-error-message'];
    for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, path ? `${path}.${key}` : key);
  };
  walk(schema, '');
  return JSON.stringify(out, null, 2);
}

/** A parameter, or the one of components.parameters that it refers to. */
function resolved(spec: Spec, parameter: Parameter | { $ref: string }): Parameter | undefined {
  if (!('$ref' in parameter)) return parameter;
  return spec.components?.parameters?.[parameter.$ref.replace('#/components/parameters/', '')];
}

/** For each operation with query parameters that have a default, their names: the validator fills them in. */
function queryDefaults(spec: Spec, operations: Operation[]): string {
  const lines = operations.flatMap((op) => {
    const names = (op.parameters ?? [])
      .map((p) => resolved(spec, p))
      .filter((p) => p?.in === 'query' && p.schema?.default !== undefined)
      .map((p) => JSON.stringify(p?.name));
    return op.operationId && names.length > 0 ? [`    ${op.operationId}: ${names.join(' | ')};`] : [];
  });
  return ['export interface QueryDefaults {', ...lines, '}'].join('\n');
}

/** Values that openapi.yaml states and code needs at run time: the sort fields and the permissions. */
function constants(text: string): string {
  const spec = parse(text) as Spec;
  const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
  const search = operations.find((op) => op.operationId === 'searchOrganizations');
  const sortFields = search?.parameters?.map((p) => resolved(spec, p)).find((p) => p?.name === 'sortBy')?.schema?.enum;
  if (!sortFields) throw new Error('openapi.yaml: searchOrganizations has no sortBy enum.');
  const permissions = [...new Set(operations.flatMap((op) => (op['x-permission'] ? [op['x-permission']] : [])))];
  const maxBodyBytes = spec['x-max-body-bytes'];
  if (typeof maxBodyBytes !== 'number') throw new Error('openapi.yaml: the root has no x-max-body-bytes.');
  return [
    '',
    '/** The values of `sortBy` on searchOrganizations. */',
    `export const SORT_FIELDS = ${JSON.stringify(sortFields)} as const;`,
    '/** Every `x-permission` an operation names, in the order of the operations. */',
    `export const PERMISSIONS = ${JSON.stringify(permissions)} as const;`,
    '/** The query parameters of each operation that have a default in openapi.yaml: always present once checked. */',
    queryDefaults(spec, operations),
    '/** The largest request body (`x-max-body-bytes` at the root): its one home is openapi.yaml. */',
    `export const MAX_BODY_BYTES = ${maxBodyBytes};`,
    '/** Every `x-refusals` entry of openapi.yaml: the one table of refusal statuses, codes and texts. */',
    refusalTable(spec, operations),
    '/** The messages of the import body (MockSnapshot), by field: what the import reader answers. */',
    `export const SNAPSHOT_MESSAGES = ${schemaMessages(spec, 'MockSnapshot')} as const;`,
    '',
  ].join('\n');
}

export async function generateTypes(): Promise<string> {
  const text = readFileSync(SPEC_URL, 'utf8');
  const ast = await openapiTS(text);
  return `// Generated from openapi.yaml by \`npm run generate:types\`; do not edit.\n${astToString(ast)}${constants(text)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(TYPES_PATH, await generateTypes());
  console.log(`wrote ${TYPES_PATH.pathname}`);
}
