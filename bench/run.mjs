// npm run bench: prints leash's figures beside baselines measured in the same run.
// Every figure is the median wall time of whole processes, so start-up counts everywhere.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { generateRepo, writeRepo } from './generate.mjs';
import { hostileCases } from './hostile.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench/.work');
const repo = join(work, 'repo');
const jsonRepo = join(work, 'json');
const leash = join(root, 'bin/leash.js');
const ajvCli = join(root, 'node_modules/ajv-cli/dist/index.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const NOW = '2026-11-22T00:00:00Z';

function time(label, cmd, args, { okCodes = [0], env = {} } = {}) {
  const samples = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = spawnSync(cmd, args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, ...env },
    });
    samples.push(performance.now() - t);
    if (!okCodes.includes(last.status)) {
      console.error(`${label}: exit ${last.status}\n${last.stderr.slice(0, 2000)}`);
      process.exit(2);
    }
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], out: last.stdout };
}

const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;
const row = (label, ms, note = '') => console.log(`  ${label.padEnd(52)} ${fmt(ms)}  ${note}`);
const verdict = (ratio, limit) =>
  `${ratio.toFixed(2)}× (limit ${limit}×) ${ratio <= limit ? 'PASS' : 'FAIL'}`;

mkdirSync(work, { recursive: true });
const stamp = join(work, 'stamp.json');
const want = JSON.stringify({ agents: 10_000, templates: 200, v: 4 });
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
  console.log(
    'generating the synthetic repository (10,000 agents, 8 grants each, 20 systems, 200 templates)…',
  );
  writeRepo(generateRepo(), repo, jsonRepo, (d) => YAML.stringify(d, { lineWidth: 0 }));
  writeFileSync(stamp, want);
}

console.log(`\nleash benchmark (median of ${runs} runs, whole processes, Node ${process.version})\n`);
const node0 = time('node -e 0', process.execPath, ['-e', '0']).ms;
row('node -e 0 (process start-up)', node0);

// ajv-cli over the same YAML files, one run per kind (it takes one schema at a time).
const kinds = [
  ['agent', 'agents/*.yaml'],
  ['template', 'templates/*.yaml'],
  ['risk-tier', 'tiers/*.yaml'],
  ['system', 'systems/*.yaml'],
  ['config', 'leash.yaml'],
];
let ajvTotal = 0;
for (const [schema, glob] of kinds) {
  ajvTotal += time(
    `ajv-cli ${schema}`,
    process.execPath,
    [
      ajvCli,
      'validate',
      '--spec=draft2020',
      '--strict=false',
      '--all-errors',
      '--errors=line',
      '-s',
      `schemas/${schema}.schema.json`,
      '-r',
      'schemas/common.schema.json',
      '-d',
      join(repo, glob),
    ],
    { okCodes: [0, 1] },
  ).ms;
}
row('ajv-cli validate (schemas only, no positions)', ajvTotal, 'baseline');

const floor = time('floor', process.execPath, [join(root, 'bench/json-floor.mjs'), jsonRepo]).ms;
row('read + JSON.parse + ajv of the same data as JSON', floor, 'floor');

const cold = time(
  'leash validate',
  process.execPath,
  [leash, 'validate', repo, '--format', 'json', '--now', NOW],
  { okCodes: [1] },
);
const report = JSON.parse(cold.out);
const located = report.diagnostics.every((d) => d.line >= 1 && d.column >= 1);
row('leash validate (schemas + lint + positions)', cold.ms, verdict(cold.ms / ajvTotal, 1.5));
console.log(
  `  ${''.padEnd(52)} ${report.diagnostics.length} diagnostics, every one with line and column: ${located}`,
);

const cacheFile = join(work, 'cache.json');
time(
  'leash validate --cache (prime)',
  process.execPath,
  [leash, 'validate', repo, '--format', 'json', '--now', NOW, '--cache', '--cache-location', cacheFile],
  { okCodes: [1] },
);
const warm = time(
  'leash validate --cache',
  process.execPath,
  [leash, 'validate', repo, '--format', 'json', '--now', NOW, '--cache', '--cache-location', cacheFile],
  { okCodes: [1] },
);
row('leash validate --cache, unchanged repo (warm)', warm.ms, verdict(warm.ms / node0, 3));

// The diff: a git repository of the same files, with a one-agent change and a template change.
const gitRepo = join(work, 'git-repo');
const git = (...args) => {
  const r = spawnSync('git', args, { cwd: gitRepo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const gitStamp = join(work, 'git-stamp');
if (!existsSync(join(gitRepo, '.git')) || !existsSync(gitStamp) || readFileSync(gitStamp, 'utf8') !== want) {
  rmSync(gitRepo, { recursive: true, force: true });
  cpSync(repo, gitRepo, { recursive: true });
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'base');
  const agentFile = join(gitRepo, 'agents/agent-00042.yaml');
  writeFileSync(agentFile, readFileSync(agentFile, 'utf8').replace('mode: read-only', 'mode: draft-only'));
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qam', 'one agent');
  for (const t of ['template-1', 'template-2']) {
    const f = join(gitRepo, `templates/${t}.yaml`);
    writeFileSync(f, readFileSync(f, 'utf8').replace('- read\n', '- read\n        - comment\n'));
  }
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qam', 'two templates');
  writeFileSync(gitStamp, want);
}
console.log('');
const oneAgent = time('leash diff (one agent)', process.execPath, [
  leash,
  'diff',
  gitRepo,
  '--base',
  'HEAD~2',
  '--head',
  'HEAD~1',
  '-f',
  'json',
  '--now',
  NOW,
]);
const oneRadius = JSON.parse(oneAgent.out);
row(
  'leash diff, one-agent change (10,000-agent repo)',
  oneAgent.ms,
  `${verdict(oneAgent.ms / node0, 2.5)} vs node -e 0; ${oneRadius.agents.length} agent changed`,
);
const templates = time('leash diff (templates)', process.execPath, [
  leash,
  'diff',
  gitRepo,
  '--base',
  'HEAD~1',
  '--head',
  'HEAD',
  '-f',
  'json',
  '--now',
  NOW,
]);
const tRadius = JSON.parse(templates.out);
row(
  `leash diff, template change reaching ${tRadius.agents.length} agents`,
  templates.ms,
  templates.ms < 1000 ? 'under 1 s PASS' : 'over 1 s FAIL',
);
// The blobs are read by a consumer (cat), as leash must read them: writing straight to
// /dev/null would let cat-file skip the pipe altogether.
const pipeline = time('git ls-tree | git cat-file --batch', '/bin/sh', [
  '-c',
  `git -C '${gitRepo}' ls-tree -r HEAD | awk '{print $3}' | git -C '${gitRepo}' cat-file --batch | cat > /dev/null`,
]).ms;
row('git ls-tree -r | git cat-file --batch | cat (whole revision)', pipeline, 'baseline');
const readMs = JSON.parse(
  time('read revision', process.execPath, [join(root, 'bench/read-probe.mjs'), gitRepo, 'HEAD']).out,
).ms;
row('leash reads a whole revision (in-process)', readMs, verdict(readMs / pipeline, 2));

// The Action: start to its first log line, beside node's own start to its first line.
console.log('');
const actionLine = time('action first line', process.execPath, [
  join(root, 'bench/first-line.mjs'),
  join(root, 'dist/action/main.js'),
]);
const firstMs = JSON.parse(actionLine.out).ms;
const nodeMs = JSON.parse(
  time('node first line', process.execPath, [join(root, 'bench/first-line.mjs')]).out,
).ms;
row(
  'Action start to first log line',
  firstMs,
  `${verdict(firstMs / nodeMs, 1.5)} vs node's first line (${nodeMs.toFixed(0)} ms)`,
);

console.log('\nhostile inputs (each a repository with one hostile file; limit 200 ms and 64 MB each)\n');
for (const c of hostileCases(join(work, 'hostile'))) {
  const r = time(c.name, process.execPath, [join(root, 'bench/hostile-probe.mjs'), c.dir, c.expect]);
  const probe = JSON.parse(r.out);
  const ok = probe.ms <= 200 && probe.heapMb <= 64 && probe.found;
  console.log(
    `  ${c.name.padEnd(40)} ${probe.ms.toFixed(1).padStart(7)} ms  ${probe.heapMb.toFixed(1).padStart(5)} MB  ${probe.found ? c.expect : 'NOT REPORTED'}  ${ok ? 'PASS' : 'FAIL'}`,
  );
}

// The sync benchmarks (issue 5): real PostgreSQL, OpenLDAP and SCIM servers on loopback, a
// 1,000-agent repository, first and no-op syncs and the authorize decision (bench/sync.mjs).
// BENCH_SYNC=0 skips them.
if (process.env.BENCH_SYNC !== '0') {
  const sync = spawnSync(process.execPath, [join(root, 'bench/sync.mjs')], { cwd: root, stdio: 'inherit' });
  if (sync.status !== 0) process.exit(sync.status ?? 2);
}

// The kill switch benchmark (issue 6): the same servers, 200 agents, victims with 50 grants each
// killed one per run, with every target healthy and with one hanging (bench/kill.mjs).
// BENCH_KILL=0 skips it.
if (process.env.BENCH_KILL !== '0') {
  const kill = spawnSync(process.execPath, [join(root, 'bench/kill.mjs')], { cwd: root, stdio: 'inherit' });
  if (kill.status !== 0) process.exit(kill.status ?? 2);
}
