/** Types of scripts/lock-subset.mjs, for the package test. */
export type LockEntry = {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
};
export const BUILD_TOOLS: string[];
export function lockClosure(
  packages: Record<string, LockEntry>,
  roots: string[],
  entryOf?: (path: string, entry: LockEntry) => LockEntry,
): Record<string, LockEntry>;
