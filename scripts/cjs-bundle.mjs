/**
 * The CommonJS entries beside the ESM ones (what MSW ships), for `require('orgs-mock')` and for Jest in its
 * default CommonJS mode, which cannot load ES modules: dist/cjs/index.cjs (the library) and dist/cjs/msw.cjs
 * (the MSW handlers, which take the library's createApp from index.cjs, so one copy of the mock loads).
 * Bundled by esbuild with the dependencies inside, because faker is ESM only; left outside are msw (the
 * user's own, a peer), swagger-parser (CommonJS, large, loaded on demand) and swagger-ui-dist (its files are
 * found through its package.json). Types: the ESM declaration files, copied as .d.cts with .cjs specifiers.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

export async function bundleCommonJs(root) {
  const dist = join(root, 'dist');
  const outdir = join(dist, 'cjs');
  const nodeApp = join(root, 'src', 'node', 'app.ts');
  await build({
    entryPoints: { index: join(root, 'src/index.ts'), msw: join(root, 'src/node/msw.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['msw', '@apidevtools/swagger-parser', 'swagger-ui-dist'],
    // The sources find openapi.yaml and fixtures/ from import.meta.url, two levels up; so does dist/cjs/.
    define: { 'import.meta.url': '__orgsMockFileUrl' },
    banner: { js: "const __orgsMockFileUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [
      {
        name: 'msw-takes-createApp-from-index',
        setup(b) {
          b.onResolve({ filter: /\/app\.ts$/ }, (args) =>
            args.importer.endsWith(join('src', 'node', 'msw.ts')) && join(args.resolveDir, args.path) === nodeApp
              ? { path: './index.cjs', external: true }
              : undefined,
          );
        },
      },
    ],
    logLevel: 'warning',
  });
  const SPECIFIER = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.js(['"])/g;
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(outdir, relative(dist, from)).replace(/\.d\.ts$/, '.d.cts');
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, readFileSync(from, 'utf8').replace(SPECIFIER, '$1$2.cjs$3'));
  }
}
