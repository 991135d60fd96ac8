/** Builds dist/bin/orgs-mock.js under `root` with esbuild; resolves to its path. */
export function bundleCommand(root: string): Promise<string>;
