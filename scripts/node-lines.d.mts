/** Types of scripts/node-lines.mjs, for the benchmark. */
export const NODE_LINES: Record<string, string>;
export function nodeBinary(line: string | number): string;
