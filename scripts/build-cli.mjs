// Bundles the CLI into dist/cli/ (part of `npm run build`); bin/leash.js loads dist/cli/leash.js.
//
// Start-up is most of a small command's time, and V8 compiling code is most of start-up. Reading
// and decoding source costs too (about 3 ms a megabyte), so what a command loads is kept small:
//
// - cli-core.cjs: the command line (commander, main.ts) and `leash diff` without its parsers, as
//   one CommonJS bundle loaded through V8's code cache (src/source/code-cache.ts): neither the
//   bundle nor the functions a warm-up ran are compiled again at start-up.
// - diff-core.cjs: the diff's parsing half (src/diff/sides.ts: the YAML parsers, schema
//   validators, compile and diff), also through a code cache. revisions.ts loads it once it has
//   asked git for everything, so git answers while it loads.
// - ESM chunks for every other command, loaded on demand (sync, kill and authorize bring clients
//   of megabytes: pg, ldapts, the AWS SDK, Cedar). The core loads them through an importer the
//   entry installs: a script run from a code cache cannot call import() itself on Node 20. They
//   bundle their own copy of the modules they share with the core, so main.ts matches their
//   errors by name, not by class.
//
// The caches are made here by running the core in a fresh Node (`--warm`) over a git repository
// copied from the example policies/. A Node that cannot use them (another version, other V8
// flags) compiles as usual.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const outdir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const src = (path) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
const CORE = 'cli-core.cjs';
const CORE_CACHE = 'cli-core.cache';
const DIFF_CORE = 'diff-core.cjs';
const DIFF_CORE_CACHE = 'diff-core.cache';
/** The cache loader on its own, for the warm-up (the entry bundles its own copy). */
const LOADER = 'code-cache.js';
/** The commands main.ts loads from ESM chunks: all but diff. */
const CHUNKED = [
  'validate',
  'compile',
  'approvals',
  'inventory',
  'sync',
  'authorize',
  'kill',
  'init',
  'audit',
  'rules',
];

if (process.argv[2] === '--warm') {
  await warm(process.argv[3], process.argv[4]);
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const cjs = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ASCII source decodes fastest (code-cache.ts reads it as Latin-1).
  charset: 'ascii',
  legalComments: 'none',
  // Less source to read and decode at every start; names are kept for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  // The bundles sit in dist/cli/ as the ESM chunks do: package-root.ts finds package.json alike.
  define: { 'import.meta.url': '__leashModuleUrl' },
  banner: { js: "const __leashModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};
const digestOf = (file) =>
  createHash('sha256')
    .update(readFileSync(join(outdir, file)))
    .digest('hex');

// 1. The diff's parsing half. Its digest is written into the code that loads it, so the cache
//    is checked without hashing a megabyte at start-up.
await build({ ...cjs, entryPoints: [src('diff/sides.ts')], outfile: join(outdir, DIFF_CORE) });
const diffCoreDigest = digestOf(DIFF_CORE);

/**
 * revisions.ts's loadDiffCore() (src/diff/core.ts, an import('./sides.js') in the sources) loads
 * diff-core.cjs through its code cache instead: synchronously, where the call is. In the core
 * and in the ESM chunks (approvals diffs too).
 */
const diffCore = {
  name: 'leash-diff-core',
  setup(b) {
    const where = { path: 'diff-core', namespace: 'leash-diff-core' };
    b.onResolve({ filter: /^leash-diff-core$/ }, () => where);
    b.onResolve({ filter: /^\.\/core\.js$/ }, (args) =>
      args.importer === src('diff/revisions.ts') ? where : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'leash-diff-core' }, () => ({
      loader: 'js',
      resolveDir: src('diff'),
      contents: [
        `import { loadCachedModule } from ${JSON.stringify(src('source/code-cache.ts'))};`,
        'let loaded;',
        "/** The loaded bundle, for the build's warm-up (which makes its cache). */",
        'export function diffCoreModule() { return loaded; }',
        'export function loadDiffCore() {',
        '  try {',
        `    loaded ??= loadCachedModule(new URL('./${DIFF_CORE}', import.meta.url), new URL('./${DIFF_CORE_CACHE}', import.meta.url), { sourceDigest: '${diffCoreDigest}' });`,
        '    return Promise.resolve(loaded.exports);',
        '  } catch (error) {',
        '    return Promise.reject(error);',
        '  }',
        '}',
      ].join('\n'),
    }));
  },
};

// 2. The other commands as ESM, one stable entry name each (the core imports them by name).
const esm = await build({
  entryPoints: Object.fromEntries(CHUNKED.map((c) => [`${c}-command`, src(`cli/${c}-command.ts`)])),
  bundle: true,
  splitting: true,
  outdir,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  metafile: true,
  banner: {
    js: "import { createRequire as __leashRequire } from 'node:module';\nconst require = __leashRequire(import.meta.url);",
  },
  plugins: [diffCore],
  logLevel: 'warning',
});
/** What each chunk exports (main.ts calls only functions of them). */
const chunkExports = new Map();
for (const [file, output] of Object.entries(esm.metafile.outputs)) {
  const name = CHUNKED.find((c) => file.endsWith(`/${c}-command.js`));
  if (name) chunkExports.set(name, output.exports);
}
for (const c of CHUNKED) {
  if (!chunkExports.has(c)) throw new Error(`build-cli: no ESM output for ${c}-command`);
}

// 3. The core: main.ts, the diff command, and forwarders to the chunks.
const chunks = {
  name: 'leash-chunks',
  setup(b) {
    b.onResolve({ filter: /^leash-chunks$/ }, () => ({ path: 'leash-chunks', namespace: 'leash-chunks' }));
    b.onResolve({ filter: /^\.\/[a-z]+-command\.js$/ }, (args) => {
      const name = /^\.\/([a-z]+)-command\.js$/.exec(args.path)[1];
      return args.importer === src('cli/main.ts') && CHUNKED.includes(name)
        ? { path: name, namespace: 'leash-chunk' }
        : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'leash-chunks' }, () => ({
      loader: 'js',
      contents: [
        'let importer;',
        'export function setChunkImporter(f) { importer = f; }',
        'export function importChunk(path) {',
        '  if (!importer) return Promise.reject(new Error(`leash: no importer installed for ${path}`));',
        '  return importer(path);',
        '}',
      ].join('\n'),
    }));
    // A module with the chunk's exports as forwarders: the chunk loads on the first call.
    b.onLoad({ filter: /.*/, namespace: 'leash-chunk' }, (args) => ({
      loader: 'js',
      contents: [
        "import { importChunk } from 'leash-chunks';",
        'let loaded;',
        `const load = () => (loaded ??= importChunk('./${args.path}-command.js'));`,
        ...chunkExports
          .get(args.path)
          .map((e) => `export const ${e} = async (...args) => (await load()).${e}(...args);`),
      ].join('\n'),
    }));
  },
};
const coreEntry = [
  `export { runCli } from ${JSON.stringify(src('cli/main.ts'))};`,
  "export { setChunkImporter } from 'leash-chunks';",
  "export { diffCoreModule } from 'leash-diff-core';",
].join('\n');
await build({
  ...cjs,
  stdin: { contents: coreEntry, resolveDir: src('cli'), sourcefile: 'cli-core-entry.js', loader: 'js' },
  outfile: join(outdir, CORE),
  plugins: [chunks, diffCore],
});
const coreDigest = digestOf(CORE);

// 4. The entry: the cache loader and four lines. Chunks are imported relative to dist/cli/.
const entry = [
  `import { loadCachedModule } from ${JSON.stringify(src('source/code-cache.ts'))};`,
  'const core = loadCachedModule(',
  `  new URL('./${CORE}', import.meta.url),`,
  `  new URL('./${CORE_CACHE}', import.meta.url),`,
  `  { sourceDigest: '${coreDigest}' },`,
  ').exports;',
  'core.setChunkImporter((path) => import(path));',
  'process.exitCode = await core.runCli(process.argv.slice(2));',
].join('\n');
const esmFile = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };
await build({
  ...esmFile,
  stdin: { contents: entry, resolveDir: src('cli'), sourcefile: 'cli-entry.js', loader: 'js' },
  outfile: join(outdir, 'leash.js'),
  legalComments: 'none',
});
await build({ ...esmFile, entryPoints: [src('source/code-cache.ts')], outfile: join(outdir, LOADER) });

// A fresh Node with no flags of its own, as `leash` runs: V8 keys the cache to its flags.
const warmed = spawnSync(
  process.execPath,
  [fileURLToPath(import.meta.url), '--warm', coreDigest, diffCoreDigest],
  { stdio: 'inherit' },
);
if (warmed.status !== 0) process.exit(warmed.status ?? 1);

/**
 * Runs `leash diff` in the core over a git repository made from the example policies/ (a base
 * commit, then an agent and a template edited and committed), then writes both code caches,
 * which now hold every function that ran.
 */
async function warm(coreDigest, diffCoreDigest) {
  const { loadCachedModule, createCodeCache } = await import(pathToFileURL(join(outdir, LOADER)).href);
  const coreFile = pathToFileURL(join(outdir, CORE));
  const core = loadCachedModule(coreFile, pathToFileURL(join(outdir, CORE_CACHE)));
  const repo = mkdtempSync(join(tmpdir(), 'leash-warm-'));
  try {
    cpSync(fileURLToPath(new URL('../policies/', import.meta.url)), repo, {
      recursive: true,
      // Not the state a quick start leaves behind.
      filter: (p) => basename(p) !== '.leash',
    });
    const git = (...args) => {
      const r = spawnSync(
        'git',
        [
          '-c',
          'user.name=leash',
          '-c',
          'user.email=leash@example.com',
          '-c',
          'commit.gpgsign=false',
          ...args,
        ],
        { cwd: repo, encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    };
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    editFirst(repo, 'agents', /mode: (read-only|draft-only)/, 'mode: execute-gated');
    editFirst(repo, 'templates', /mode: (read-only|draft-only)/, 'mode: execute-gated');
    git('commit', '-qam', 'edit');
    const io = { stdout: () => undefined, stderr: () => undefined, cwd: repo, env: {}, isTty: false };
    const argv = [
      'diff',
      '.',
      '--base',
      'HEAD~1',
      '--head',
      'HEAD',
      '-f',
      'json',
      '--now',
      '2026-01-01T00:00:00Z',
    ];
    for (let i = 0; i < 3; i++) {
      const code = await core.exports.runCli(argv, io);
      if (code !== 0) throw new Error(`build-cli warm-up: leash ${argv.join(' ')} exited ${code}`);
    }
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
  writeFileSync(join(outdir, CORE_CACHE), createCodeCache(core, coreFile, { sourceDigest: coreDigest }));
  const diffCoreFile = pathToFileURL(join(outdir, DIFF_CORE));
  writeFileSync(
    join(outdir, DIFF_CORE_CACHE),
    createCodeCache(core.exports.diffCoreModule(), diffCoreFile, { sourceDigest: diffCoreDigest }),
  );
}

/** Edits the first file of a folder (by name) whose text matches. */
function editFirst(repo, folder, pattern, replacement) {
  for (const name of readdirSync(join(repo, folder)).sort()) {
    const path = join(repo, folder, name);
    const text = readFileSync(path, 'utf8');
    if (/\.ya?ml$/.test(name) && pattern.test(text)) {
      writeFileSync(path, text.replace(pattern, replacement));
      return;
    }
  }
  throw new Error(`build-cli warm-up: nothing to edit in ${folder}`);
}
