/** The copy of openapi.yaml generated at build time: the spec without a file system or swagger-parser. */
import { SPEC_JSON, SPEC_TEXT } from '../generated/bundle.ts';
import { isObject, type SpecDocument, specDocument } from './model.ts';

let bundled: SpecDocument | undefined;

/** openapi.yaml as it was when the package was built, parsed once per process. */
export function bundledSpec(): SpecDocument {
  if (!bundled) {
    const raw: unknown = JSON.parse(SPEC_JSON);
    if (!isObject(raw))
      throw new Error('src/generated/bundle.ts: SPEC_JSON is not a JSON object; run `npm run generate`.');
    bundled = specDocument(raw, SPEC_TEXT, 'openapi.yaml');
  }
  return bundled;
}
