/** Builds dist/bin/orgs-mock.js under `root` with esbuild; resolves to its path. */
export function bundleCommand(root: string): Promise<string>;
/** Bundles again only when there is no bundle or a source is newer than it; resolves to its path. */
export function bundleCommandIfStale(root: string): Promise<string>;
