#!/usr/bin/env node
/** The `orgs-mock` command of the built package (bin/orgs-mock.mjs runs the sources in development). */
import { main } from './main.ts';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`orgs-mock: ${(error as Error | undefined)?.message ?? String(error)}`);
    process.exit(2);
  },
);
