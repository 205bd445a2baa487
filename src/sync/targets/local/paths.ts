import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves the store's path against the folder holding leash.yaml and makes sure it stays
 * there: no `..`, and no symbolic link on the way that leads outside.
 */
export async function resolveStorePath(baseDir: string, path: string): Promise<string> {
  if (isAbsolute(path) || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new Error(`local store path ${path} must be relative and stay inside ${baseDir}`);
  }
  const base = await realpath(baseDir);
  const target = resolve(base, path);
  let existing = target;
  for (;;) {
    try {
      existing = await realpath(existing);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  const rel = relative(base, existing);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === '..') {
    throw new Error(`local store path ${path} leads outside ${baseDir} (through a symbolic link)`);
  }
  return target;
}
