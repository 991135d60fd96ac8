/** The `orgs-mock` command: `serve` runs the mock; `contract` checks a server against openapi.yaml. */
import { readFileSync } from 'node:fs';
import { serveCommand } from './serve.ts';

/** The package's version, from its package.json: two levels up from src/cli/ and from dist/bin/ alike. */
export function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '?';
}

const USAGE = `Usage: orgs-mock <command> [options]

Commands:
  serve      run the mock server (orgs-mock serve --help)
  contract   check a server against openapi.yaml (orgs-mock contract --help)

  --version  the version of orgs-mock
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'contract': {
      const { contractCommand } = await import('./contract.ts');
      return contractCommand(rest);
    }
    case '--version':
    case '-v':
      console.log(version());
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`orgs-mock: unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}
