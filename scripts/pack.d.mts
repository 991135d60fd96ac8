/** Types of scripts/pack.mjs, for the package test. */
export function repositoryUrl(manifest: { repository?: string | { url?: string } }): string;
export function absoluteLinks(markdown: string, manifest: object): string;
export function publishedManifest(manifest: object): object;
export function pack(options: { root: string; out: string; build?: boolean }): { tarball: string; files: string[] };
