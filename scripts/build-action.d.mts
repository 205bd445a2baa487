export function buildActionBundle(): Promise<string>;
