/**
 * npm run build, in plain JavaScript so that it runs before anything is compiled:
 * 1. src → dist (JavaScript and declaration files) with tsc -p tsconfig.build.json: the library. tsc rewrites
 *    `./x.ts` imports to `./x.js` in the JavaScript it emits but not in declaration files, so they are
 *    rewritten here: a user's compiler then reads dist/**.d.ts under any moduleResolution.
 * 2. The `orgs-mock` command bundled by esbuild into dist/bin/ (scripts/command-bundle.mjs). Loading one
 *    file instead of hundreds saves about a third of the time to the first answer.
 * 3. The CommonJS entries in dist/cjs/ (scripts/cjs-bundle.mjs), after step 1, whose declarations they copy.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCommonJs } from './cjs-bundle.mjs';
import { bundleCommand } from './command-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
// --noCheck: emit only. Type checking is npm test's (tsc --noEmit), which the release runs before it publishes.
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });

const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;
let rewritten = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(RELATIVE_TS, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(file, fixed);
    rewritten++;
  }
}
await Promise.all([bundleCommand(root), bundleCommonJs(root)]);
console.error(
  `built ${dist} (${rewritten} declaration files with .ts imports rewritten; the command in dist/bin, CommonJS in dist/cjs)`,
);
