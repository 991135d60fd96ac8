/** The Swagger UI files of /docs, read from the swagger-ui-dist package on first request. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DocsAssets } from '../http/docs.ts';

let assetDir: string | undefined;

export const swaggerUiAssets: DocsAssets = async (file) => {
  assetDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return new Uint8Array(await readFile(join(assetDir, file)));
};
