import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

/**
 * The leash package's folder and version, found by walking up from this module to the
 * package.json named leash: the same from src/ (tests), dist/src/ (the library) and the
 * bundles in dist/cli/ and dist/action/.
 */
export function leashPackage(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'leash') return (cached = { root: dir, version: pkg.version ?? '0.0.0' });
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the leash package.json above ' + fileURLToPath(import.meta.url));
}
