export function mulberry32(seed: number): () => number;
export function generateRepo(options?: {
  agents?: number;
  templates?: number;
  seed?: number;
}): { path: string; data: unknown }[];
export function writeRepo(
  docs: unknown[],
  yamlDir: string,
  jsonDir: string,
  toYaml: (d: unknown) => string,
): void;
