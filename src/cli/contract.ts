export async function contractCommand(_argv: string[]): Promise<number> { console.error("not yet"); return 2; }
