#!/usr/bin/env node
// The package ships TypeScript sources; tsx compiles them on load, so no build step is needed.
import { register } from 'tsx/esm/api';

// Under `npm start`, npm's `sh -c` dies on SIGTERM without passing it on, and the server would go on as
// an orphan: when that parent goes away, stop as on SIGTERM. Only under npm: a server started in the
// background by a script that then exits must keep running.
const parent = process.ppid;
if (process.env.npm_lifecycle_event !== undefined && parent > 1) {
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
