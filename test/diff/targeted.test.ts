import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
// The benchmark's generator: the same shapes as the 10,000-agent repository, smaller.
import { generateRepo, mulberry32 } from '../../bench/generate.mjs';
import { diffRevisions } from '../../src/diff/revisions.js';
import { GitRepo } from '../helpers/git-repo.js';
import { TEST_NOW } from '../helpers/policy-repo.js';

// The generated documents are mutated freely by the random changes below: typed loosely on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = { path: string; data: any };

/** Random changes a pull request might make, each a function of the current documents. */
const MUTATIONS: ((
  docs: Map<string, Doc>,
  pick: <T>(xs: T[]) => T,
  rand: () => number,
) => Record<string, string | null>)[] = [
  // Raise or lower one inline grant's mode.
  (docs, pick) => {
    const a = pick([...docs.values()].filter((d) => d.path.startsWith('agents/')));
    const g = a.data.spec.grants.find((x: { mode?: string }) => x.mode);
    if (g) g.mode = g.mode === 'read-only' ? 'draft-only' : 'read-only';
    return { [a.path]: YAML.stringify(a.data) };
  },
  // Drop a grant.
  (docs, pick) => {
    const a = pick([...docs.values()].filter((d) => d.path.startsWith('agents/')));
    a.data.spec.grants.pop();
    return { [a.path]: YAML.stringify(a.data) };
  },
  // Change a template's actions: fan-out.
  (docs, pick) => {
    const t = pick([...docs.values()].filter((d) => d.path.startsWith('templates/')));
    t.data.spec.grants[0].actions = ['read', 'update', 'close'];
    t.data.spec.grants[0].mode = 'draft-only';
    t.data.spec.grants[0].fields = ['status'];
    return { [t.path]: YAML.stringify(t.data) };
  },
  // Make a system's action riskier and irreversible: no gain, but fan-out.
  (docs, pick) => {
    const s = pick([...docs.values()].filter((d) => d.path.startsWith('systems/')));
    s.data.spec.resources['resource-0'].actions.read = { risk: 'high', effect: 'read' };
    delete s.data.spec.resources['resource-1'];
    return { [s.path]: YAML.stringify(s.data) };
  },
  // Suspend an agent.
  (docs, pick) => {
    const a = pick([...docs.values()].filter((d) => d.path.startsWith('agents/')));
    a.data.spec.status = 'suspended';
    return { [a.path]: YAML.stringify(a.data) };
  },
  // Move an agent file into a folder.
  (docs, pick) => {
    const a = pick(
      [...docs.values()].filter((d) => d.path.startsWith('agents/') && !d.path.includes('/team/')),
    );
    docs.delete(a.path);
    const moved = { path: a.path.replace('agents/', 'agents/team/'), data: a.data };
    docs.set(moved.path, moved);
    return { [a.path]: null, [moved.path]: YAML.stringify(a.data) };
  },
  // Delete an agent; add one.
  (docs, pick) => {
    const a = pick([...docs.values()].filter((d) => d.path.startsWith('agents/')));
    docs.delete(a.path);
    const name = `${a.data.metadata.name}-new`;
    const added = { path: `agents/${name}.yaml`, data: { ...a.data, metadata: { name } } };
    docs.set(added.path, added);
    return { [a.path]: null, [added.path]: YAML.stringify(added.data) };
  },
  // Break a template file (duplicate key).
  (docs, pick) => {
    const t = pick([...docs.values()].filter((d) => d.path.startsWith('templates/')));
    return { [t.path]: YAML.stringify(t.data) + 'kind: Template\n' };
  },
  // Staging becomes production.
  (docs) => {
    const c = docs.get('leash.yaml')!;
    c.data.spec.environments.staging.production = !c.data.spec.environments.staging.production;
    return { 'leash.yaml': YAML.stringify(c.data) };
  },
  // A tier's bound changes: fan-out to its agents, no change in access.
  (docs, pick) => {
    const t = pick([...docs.values()].filter((d) => d.path.startsWith('tiers/')));
    t.data.spec.maxMode = 'execute-gated';
    return { [t.path]: YAML.stringify(t.data) };
  },
];

describe('the targeted diff agrees with the full diff', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`on random changes (seed ${seed})`, async () => {
      const rand = mulberry32(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const docs = new Map<string, Doc>(
        (generateRepo({ agents: 40, templates: 10, seed }) as Doc[]).map((d) => [d.path, structuredClone(d)]),
      );
      const repo = new GitRepo(
        Object.fromEntries([...docs.values()].map((d) => [d.path, YAML.stringify(d.data)])),
      );
      try {
        const base = repo.head();
        let changedAgents = 0;
        for (let step = 0; step < 4; step++) {
          const changes: Record<string, string | null> = {};
          for (let k = 0; k < 1 + Math.floor(rand() * 2); k++)
            Object.assign(changes, pick(MUTATIONS)(docs, pick, rand));
          repo.write(changes);
          // Alternate: compare against the work tree, then against a commit.
          const head = step % 2 === 0 ? undefined : repo.commit(`step ${step}`);
          const args = { dir: repo.dir, base, ...(head ? { head } : {}), now: TEST_NOW };
          const [targeted, full] = await Promise.all([
            diffRevisions(args),
            diffRevisions({ ...args, full: true }),
          ]);
          expect(targeted).toEqual(full);
          changedAgents += full.agents.length;
        }
        // The seeds are chosen so that the changes reach agents: the test compares something.
        expect(changedAgents).toBeGreaterThan(0);
      } finally {
        repo.remove();
      }
    });
  }
});
