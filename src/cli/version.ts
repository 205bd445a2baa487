import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** leash's own version, from package.json. */
export function leashVersion(): string {
  if (cached) return cached;
  const url = new URL(
    import.meta.url.includes('/dist/src/') ? '../../../package.json' : '../../package.json',
    import.meta.url,
  );
  cached = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  return cached;
}
