export function buildActionBundle(): Promise<Record<string, string>>;
