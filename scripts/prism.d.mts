/** Types of scripts/prism.mjs, for the benchmark. */
export const PRISM_VERSION: string;
export function prismCli(): string;
