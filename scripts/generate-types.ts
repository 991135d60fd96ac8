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
};
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components?: { parameters?: Record<string, Parameter> };
};

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
  return [
    '',
    '/** The values of `sortBy` on searchOrganizations. */',
    `export const SORT_FIELDS = ${JSON.stringify(sortFields)} as const;`,
    '/** Every `x-permission` an operation names, in the order of the operations. */',
    `export const PERMISSIONS = ${JSON.stringify(permissions)} as const;`,
    '/** The query parameters of each operation that have a default in openapi.yaml: always present once checked. */',
    queryDefaults(spec, operations),
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
