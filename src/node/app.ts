/**
 * createApp for Node: the web-standard app of src/http/app.ts, plus what needs a file system — the fixture
 * file that `config.fixtures` names, the Swagger UI files of /docs, and a request log that never blocks on stdout.
 */
import { type AppOptions, createApp as createWebApp, type MockApp } from '../http/app.ts';
import { swaggerUiAssets } from './docs-assets.ts';
import { loadFixtures } from './fixtures.ts';
import { collectGarbage } from './gc.ts';
import { writeStdoutLines } from './stdout.ts';

export function createApp(options: AppOptions = {}): Promise<MockApp> {
  const path = options.config?.fixtures;
  const fixtures = options.fixtures ?? (path === undefined ? undefined : loadFixtures(path));
  return createWebApp({
    docsAssets: swaggerUiAssets,
    collectGarbage,
    logBatch: writeStdoutLines,
    ...options,
    ...(fixtures ? { fixtures } : {}),
  });
}
