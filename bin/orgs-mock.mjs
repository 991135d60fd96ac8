#!/usr/bin/env node
// Development launcher: runs the TypeScript sources through tsx, so no build step is needed in a clone.
// The published package's command is dist/bin/orgs-mock.js (npm run build).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
