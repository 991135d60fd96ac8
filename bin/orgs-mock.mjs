#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them on load, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`orgs-mock: ${error?.message ?? error}`);
    process.exit(2);
  },
);
