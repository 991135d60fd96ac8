#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them on load, so no build step is needed.
import { register } from 'tsx/esm/api';

// Started by a parent that dies without passing on its signal (`npm start` under some shells), the
// server would go on as an orphan: when the parent changes, stop as on SIGTERM.
const parent = process.ppid;
if (parent > 1) {
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

register();
const { main } = await import('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`orgs-mock: ${error?.message ?? error}`);
    process.exit(2);
  },
);
