/** The copy of openapi.yaml generated at build time: the spec without a file system or swagger-parser. */
import { SPEC_JSON, SPEC_TEXT } from '../generated/bundle.ts';
import { type SpecDocument, specDocument } from './model.ts';

let bundled: SpecDocument | undefined;

/** openapi.yaml as it was when the package was built, parsed once per process. */
export function bundledSpec(): SpecDocument {
  bundled ??= specDocument(JSON.parse(SPEC_JSON) as Record<string, unknown>, SPEC_TEXT, 'openapi.yaml');
  return bundled;
}
