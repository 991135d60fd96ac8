/**
 * openapi.yaml read from a file, validated and dereferenced by swagger-parser: the Node edge of the spec.
 * The mock itself starts from the copy bundled at build time (src/openapi/bundled.ts); this is for the
 * contract runner's --spec, for the generator of that copy, and for library users with their own file.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type SpecDocument, specDocument } from './model.ts';

export * from './model.ts';

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

export async function loadSpec(path: string = DEFAULT_SPEC_PATH): Promise<SpecDocument> {
  // Loaded here, not at import: swagger-parser takes a while to load, and the mock itself never needs it.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  // validate() dereferences too; a broken spec stops start-up with swagger-parser's own message.
  const raw: Record<string, unknown> = { ...(await SwaggerParser.validate(path)) };
  return specDocument(raw, await readFile(path, 'utf8'), path);
}
