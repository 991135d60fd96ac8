/** The `orgs-mock` command: `serve` runs the mock; `contract` checks a server against openapi.yaml. */
import { serveCommand } from './serve.ts';

const USAGE = `Usage: orgs-mock <command> [options]

Commands:
  serve      run the mock server (orgs-mock serve --help)
  contract   check a server against openapi.yaml (orgs-mock contract --help)
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
