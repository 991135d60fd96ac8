/**
 * Prism, the benchmark's point of comparison for start-up (npm run bench), fetched on first use rather than
 * kept among the devDependencies (with its dependencies about 53 MB that no test needs): installed by npm at
 * the version below into $XDG_CACHE_HOME/orgs-mock/prism-<version> (~/.cache by default) and reused from there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRISM_VERSION = '5.16.0';

/** The path of Prism's command (run it with node), installed first if it is not in the cache. */
export function prismCli() {
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'orgs-mock', `prism-${PRISM_VERSION}`);
  const cli = join(dir, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  if (existsSync(cli)) return cli;
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'npm',
    ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', `@stoplight/prism-cli@${PRISM_VERSION}`],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return cli;
}
