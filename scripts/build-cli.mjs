// Bundles the CLI into dist/cli/ (an entry and the chunks its commands load lazily): one file
// to load instead of a hundred modules keeps start-up near node's own. Part of `npm run build`.
//
// The parsing half of `leash diff` (YAML parsers, schema validators, compile, diff: a megabyte)
// is built apart as one CommonJS bundle, dist/cli/diff-core.cjs, loaded through V8's code cache
// (src/source/code-cache.ts): compiling it, and then each function the first time it runs, was
// most of a small diff's time. The cache is made here by running the bundle over the example
// repository in a fresh Node (`--warm`); a Node that cannot use it compiles as usual.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const outdir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const src = (path) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
const CORE = 'diff-core.cjs';
const CORE_CACHE = 'diff-core.cache';

if (process.argv[2] === '--warm') {
  await warm();
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

await build({
  entryPoints: [src('diff/sides.ts')],
  bundle: true,
  outfile: join(outdir, CORE),
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ASCII source decodes fastest (code-cache.ts reads it as Latin-1).
  charset: 'ascii',
  legalComments: 'none',
  logLevel: 'warning',
});
// Known here, so the CLI checks its cache against it without hashing the bundle at start-up.
const coreDigest = createHash('sha256')
  .update(readFileSync(join(outdir, CORE)))
  .digest('hex');
/**
 * revisions.ts's loadDiffCore() (src/diff/core.ts, an import('./sides.js') in the sources) loads
 * the cached CommonJS bundle instead: synchronously, where the call is, with no module loading
 * in between.
 */
const diffCore = {
  name: 'leash-diff-core',
  setup(b) {
    b.onResolve({ filter: /^\.\/core\.js$/ }, (args) =>
      args.importer.endsWith(`${sep}diff${sep}revisions.ts`)
        ? { path: 'diff-core', namespace: 'leash-diff-core' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'leash-diff-core' }, () => ({
      loader: 'js',
      resolveDir: src('diff'),
      contents: [
        `import { loadCachedModule } from ${JSON.stringify(src('source/code-cache.ts'))};`,
        'let core;',
        'export function loadDiffCore() {',
        '  try {',
        `    core ??= loadCachedModule(new URL('./${CORE}', import.meta.url), new URL('./${CORE_CACHE}', import.meta.url), { sourceDigest: '${coreDigest}' }).exports;`,
        '    return Promise.resolve(core);',
        '  } catch (error) {',
        '    return Promise.reject(error);',
        '  }',
        '}',
      ].join('\n'),
    }));
  },
};

await build({
  entryPoints: { leash: src('cli/entry.ts'), 'code-cache': src('source/code-cache.ts') },
  bundle: true,
  splitting: true,
  outdir,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  banner: {
    js: "import { createRequire as __leashRequire } from 'node:module';\nconst require = __leashRequire(import.meta.url);",
  },
  plugins: [diffCore],
  logLevel: 'warning',
});

// A fresh Node with no flags of its own, as `leash` runs: V8 keys the cache to its flags.
const warmed = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--warm', coreDigest], {
  stdio: 'inherit',
});
if (warmed.status !== 0) process.exit(warmed.status ?? 1);

/**
 * Runs the core over the example repository (policies/): every kind of file parsed and
 * validated, a targeted and a whole diff of an edited agent and template. Then writes the code
 * cache, which now holds every function that ran.
 */
async function warm() {
  const { loadCachedModule, createCodeCache } = await import(
    new URL(`code-cache.js`, `file://${outdir}`).href
  );
  const file = new URL(CORE, `file://${outdir}`);
  const core = loadCachedModule(file, new URL(CORE_CACHE, `file://${outdir}`));
  const root = fileURLToPath(new URL('../policies/', import.meta.url));
  const walk = (rel) =>
    statSync(join(root, rel)).isDirectory()
      ? readdirSync(join(root, rel)).flatMap((name) => walk(`${rel}/${name}`))
      : /\.ya?ml$/.test(rel)
        ? [{ path: rel, text: readFileSync(join(root, rel), 'utf8') }]
        : [];
  const read = (folders) => ({
    files: [
      { path: 'leash.yaml', text: readFileSync(join(root, 'leash.yaml'), 'utf8') },
      ...folders.flatMap(walk),
    ],
    diagnostics: [],
  });
  const shared = read(['templates', 'tiers', 'systems']);
  const agents = read(['agents']);
  agents.files = agents.files.filter((f) => f.path.startsWith('agents/'));
  const edit = (r) => ({
    files: r.files.map((f) => ({
      ...f,
      text: f.text.replace(/mode: (read-only|draft-only)/, 'mode: execute-gated'),
    })),
    diagnostics: [],
  });
  const now = new Date('2026-01-01T00:00:00Z');
  const { exports: m } = core;
  for (let i = 0; i < 3; i++) {
    const cache = m.createLoadCache();
    m.reachNames(shared, edit(shared), cache);
    m.diffTargetedReads(
      { revision: 'base', shared, agents },
      { revision: 'head', shared: edit(shared), agents: edit(agents) },
      { now, headAgentCount: agents.files.length, cache },
    );
    m.diffWholeReads(
      { read: { files: [...shared.files, ...agents.files], diagnostics: [] }, revision: 'base' },
      { read: { files: [...shared.files, ...edit(agents).files], diagnostics: [] }, revision: 'head' },
      { now, headAgentCount: agents.files.length },
    );
    m.loadConfig({ files: shared.files.filter((f) => f.path === 'leash.yaml'), diagnostics: [] });
  }
  writeFileSync(join(outdir, CORE_CACHE), createCodeCache(core, file, { sourceDigest: process.argv[3] }));
}
