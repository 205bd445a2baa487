import type * as Crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** A CommonJS bundle run through V8's code cache, and what it exported. */
export interface CachedModule {
  exports: Record<string, unknown>;
  /** The compiled script: createCodeCache() turns it into a cache once it has run a while. */
  script: Script;
  /** Whether V8 took the cache (false without one, or when Node, V8 or the source differ). */
  cacheUsed: boolean;
}

/**
 * What a cache is checked against: the SHA-256 of the bundle's source, as hex. A build that
 * knows it (scripts/build-cli.mjs writes it into the code that loads the bundle) passes it, so
 * that start-up neither loads node:crypto nor hashes a megabyte; without it, it is computed.
 */
export interface CodeCacheOptions {
  sourceDigest?: string;
}

// The same wrapper at build time and at run time: V8's cache belongs to one exact source.
const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const DIGEST_BYTES = 32;

/** The bundle's source (ASCII, as esbuild writes it, decodes fastest as Latin-1). */
function readSource(path: string): { bytes: Buffer; text: string } {
  const bytes = readFileSync(path);
  return { bytes, text: isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8') };
}

function digestOf(source: Buffer, options: CodeCacheOptions): Buffer {
  if (options.sourceDigest !== undefined) return Buffer.from(options.sourceDigest, 'hex');
  // Loaded only here: node:crypto takes milliseconds to load, and a build passes the digest.
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  return createHash('sha256').update(source).digest();
}

/**
 * Loads a CommonJS bundle (the CLI's parsers and validators: a megabyte of code) with V8's code
 * cache when one was made for it by createCodeCache at build time, so neither the bundle nor
 * the functions the warm-up ran are compiled again at start-up. The cache starts with the
 * SHA-256 of the source it was made from (V8 itself only checks the length); a cache made from
 * other source, or one V8 rejects (another Node version, other V8 flags), is ignored and the
 * bundle compiles as usual.
 */
export function loadCachedModule(file: URL, cacheFile: URL, options: CodeCacheOptions = {}): CachedModule {
  const path = fileURLToPath(file);
  const source = readSource(path);
  let cachedData: Buffer | undefined;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.subarray(0, DIGEST_BYTES).equals(digestOf(source.bytes, options))) {
      cachedData = cache.subarray(DIGEST_BYTES);
    }
  } catch {
    // No cache: compile as usual.
  }
  const script = new Script(wrap(source.text), { filename: path, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    createRequire(path),
    module,
    path,
    dirname(path),
  );
  return {
    exports: module.exports,
    script,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
  };
}

/** The code cache of a loaded bundle, with what it has compiled so far, for loadCachedModule. */
export function createCodeCache(module: CachedModule, file: URL, options: CodeCacheOptions = {}): Buffer {
  const source = readSource(fileURLToPath(file));
  return Buffer.concat([digestOf(source.bytes, options), module.script.createCachedData()]);
}
