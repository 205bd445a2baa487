import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodeCache, loadCachedModule } from '../../src/source/code-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'leash-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = `const { join } = require('node:path');
exports.twice = (n) => n * 2;
exports.where = () => join(__dirname, 'x');
exports.self = () => module.exports === exports;
`;

describe('loadCachedModule', () => {
  it('runs a CommonJS bundle, then takes the cache made from it', () => {
    const file = join(dir, 'core.cjs');
    const cache = join(dir, 'core.cache');
    writeFileSync(file, SOURCE);
    const first = loadCachedModule(pathToFileURL(file), pathToFileURL(cache));
    expect(first.cacheUsed).toBe(false);
    expect((first.exports.twice as (n: number) => number)(21)).toBe(42);
    expect((first.exports.where as () => string)()).toBe(join(dir, 'x'));
    expect((first.exports.self as () => boolean)()).toBe(true);
    writeFileSync(cache, createCodeCache(first, pathToFileURL(file)));

    // A fresh Node takes it, as `leash` does after a build (the loader as the build bundles it).
    const loader = join(dir, 'loader.mjs');
    writeFileSync(
      loader,
      transformSync(readFileSync(new URL('../../src/source/code-cache.ts', import.meta.url), 'utf8'), {
        loader: 'ts',
        format: 'esm',
      }).code,
    );
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { loadCachedModule } from ${JSON.stringify(pathToFileURL(loader).href)};
         const m = loadCachedModule(new URL(${JSON.stringify(pathToFileURL(file).href)}), new URL(${JSON.stringify(pathToFileURL(cache).href)}));
         console.log(JSON.stringify([m.cacheUsed, m.exports.twice(4)]));`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual([true, 8]);
  });

  it('checks the cache against a digest given by the build instead of hashing the source', () => {
    const file = join(dir, 'given.cjs');
    const cache = join(dir, 'given.cache');
    writeFileSync(file, SOURCE);
    const sourceDigest = createHash('sha256').update(SOURCE).digest('hex');
    const first = loadCachedModule(pathToFileURL(file), pathToFileURL(cache), { sourceDigest });
    writeFileSync(cache, createCodeCache(first, pathToFileURL(file), { sourceDigest }));
    // The same bytes as a cache made by hashing: the two ways agree.
    expect(readFileSync(cache).subarray(0, 32)).toEqual(
      createCodeCache(first, pathToFileURL(file)).subarray(0, 32),
    );
    expect(loadCachedModule(pathToFileURL(file), pathToFileURL(cache), { sourceDigest }).cacheUsed).toBe(
      true,
    );
    // A build's digest that is not the cache's: ignored.
    const other = createHash('sha256').update('other').digest('hex');
    expect(
      loadCachedModule(pathToFileURL(file), pathToFileURL(cache), { sourceDigest: other }).cacheUsed,
    ).toBe(false);
  });

  it('ignores a cache made from other source of the same length, and one that is garbage', () => {
    const file = join(dir, 'other.cjs');
    const cache = join(dir, 'other.cache');
    writeFileSync(file, SOURCE);
    writeFileSync(
      cache,
      createCodeCache(loadCachedModule(pathToFileURL(file), pathToFileURL(cache)), pathToFileURL(file)),
    );
    // V8 itself only compares the length: the digest is what tells the two apart.
    const edited = SOURCE.replace('n * 2', 'n * 3');
    expect(edited.length).toBe(SOURCE.length);
    writeFileSync(file, edited);
    const loaded = loadCachedModule(pathToFileURL(file), pathToFileURL(cache));
    expect(loaded.cacheUsed).toBe(false);
    expect((loaded.exports.twice as (n: number) => number)(2)).toBe(6);

    writeFileSync(cache, Buffer.alloc(100, 7));
    const garbage = loadCachedModule(pathToFileURL(file), pathToFileURL(cache));
    expect(garbage.cacheUsed).toBe(false);
    expect((garbage.exports.twice as (n: number) => number)(2)).toBe(6);
  });
});
