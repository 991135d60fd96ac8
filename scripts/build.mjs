/**
 * npm run build: src → dist (JavaScript and declaration files) with tsc -p tsconfig.build.json. Plain
 * JavaScript, so that it runs before anything is compiled. tsc rewrites `./x.ts` imports to `./x.js` in the
 * JavaScript it emits but not in declaration files, so they are rewritten here: a user's compiler then
 * reads dist/**.d.ts under any moduleResolution.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

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
console.error(`built ${dist} (${rewritten} declaration files with .ts imports rewritten)`);
