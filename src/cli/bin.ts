#!/usr/bin/env node
/** The `orgs-mock` command of the built package, and of `npm start` in a clone (scripts/start.mjs). */
import module from 'node:module';

// Node 22.1+ keeps the compiled code of modules on disk and reuses it on the next start; before the
// imports below, so that they benefit. Older Node lacks the function, and start-up is merely slower.
if ('enableCompileCache' in module && typeof module.enableCompileCache === 'function') module.enableCompileCache();

const { main } = await import('./main.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`orgs-mock: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
