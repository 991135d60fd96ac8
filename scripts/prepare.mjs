/**
 * prepare: npm runs it after `npm ci` / `npm install` in a clone of this repository, and when a project
 * installs orgs-mock from a git URL (in npm's own clone of it, with the devDependencies, before npm packs
 * it). Both need dist/: the library, the CommonJS entries and the `orgs-mock` command that `npm start`
 * runs. The published package carries no scripts at all (scripts/pack.mjs), so this never runs there; and
 * where there are no sources to build, it does nothing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (existsSync(fileURLToPath(new URL('../src/index.ts', import.meta.url)))) await import('./build.mjs');
