import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../helpers/git-repo.js';
import { runLeash } from '../helpers/cli.js';

// The example repository in a real git repository, as a folder of a larger one (as ours is).
function exampleFiles(dir = 'policies', prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, exampleFiles(path, `${prefix}${name}/`));
    else if (name.endsWith('.yaml')) out[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

const NOW = '2026-11-22T00:00:00Z';
const REFUND = `    - system: payments
      resource: refund
      actions: [issue]
      mode: execute-gated
      fields: [orderNumber, amount, currency]
      when:
        maxAmount: { value: 50, currency: EUR }
      expires: 2027-01-15
      reason: Small goodwill refunds after a human approves each one.
`;

let repo: GitRepo;
let main: string;
let pr: string;
beforeAll(() => {
  repo = new GitRepo(exampleFiles(), { subdir: 'policies' });
  main = repo.head();
  repo.branch('pr');
  const agent = readFileSync(join(repo.policyDir, 'agents/service-agent.yaml'), 'utf8');
  repo.write({ 'agents/service-agent.yaml': agent.replace(/\n {2}grants:\n/, `\n  grants:\n${REFUND}`) });
  pr = repo.commit('service agent issues small refunds');
  repo.checkout('main');
});
afterAll(() => repo.remove());

const reviewsFile = (reviews: object[], extra: object = {}) => {
  const path = join(repo.dir, `reviews-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      headSha: pr,
      author: { id: 500, login: 'dev-dan' },
      pushers: [{ id: 500, login: 'dev-dan' }],
      reviews,
      membership: {
        users: { 'amara-okafor-nw': 101, 'lukas-brandt-nw': 102, 'sofia-marquez-nw': 103 },
        teams: {
          'northwind-retail/security': [101, 102],
          'northwind-retail/cx-automation': [201],
          'northwind-retail/cx-leads': [103],
        },
      },
      ...extra,
    }),
  );
  return path;
};
const review = (id: number, userId: number, login: string, state = 'APPROVED', commit = pr) => ({
  id,
  user: { id: userId, login, type: 'User' },
  state,
  commit_id: commit,
  submitted_at: `2026-11-21T1${id % 10}:00:00Z`,
});

describe('leash diff on the example repository', () => {
  it('shows the blast radius of a pull request as a PR comment', async () => {
    const r = await runLeash(
      ['diff', 'policies', '--base', main, '--head', pr, '-f', 'markdown', '--now', NOW],
      repo.dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('<!-- leash:blast-radius -->');
    expect(r.stdout).toContain(
      '1 agent gains access; 1 gains a critical irreversible financial action in production',
    );
    expect(r.stdout).toContain('service-agent');
    expect(r.stdout.length).toBeLessThan(65_536);
  });

  it('json and text formats, and a usage error without --base', async () => {
    const json = JSON.parse(
      (
        await runLeash(
          ['diff', 'policies', '--base', main, '--head', pr, '-f', 'json', '--now', NOW],
          repo.dir,
        )
      ).stdout,
    );
    expect(json.formatVersion).toBe(1);
    expect(json.agents.map((a: { name: string }) => a.name)).toEqual(['service-agent']);
    const text = await runLeash(['diff', 'policies', '--base', main, '--head', pr, '--now', NOW], repo.dir);
    expect(text.stdout).toMatch(/\+ gained\s+payments\/refund\.issue/);
    expect((await runLeash(['diff', 'policies'], repo.dir)).code).toBe(2);
    expect((await runLeash(['diff', 'policies', '--base', 'nope'], repo.dir)).code).toBe(2);
  });
});

describe('leash approvals', () => {
  const args = () => ['approvals', 'policies', '--base', main, '--head', pr, '--now', NOW];

  it('says who must approve and why, from the base rules', async () => {
    const r = await runLeash([...args(), '-f', 'json'], repo.dir);
    expect(r.code).toBe(0);
    const { requirement } = JSON.parse(r.stdout);
    const keys = requirement.requirements.map((x: { key: string; count: number }) => `${x.key}×${x.count}`);
    expect(keys).toEqual(
      expect.arrayContaining(['group:security×1', 'team:northwind-retail/cx-automation×1']),
    );
    const text = await runLeash(args(), repo.dir);
    expect(text.stdout).toMatch(/critical-in-production/);
  });

  it('is met by eligible approvals on the head commit, and exits 1 otherwise', async () => {
    const met = await runLeash(
      [
        ...args(),
        '--reviews',
        reviewsFile([
          review(1, 101, 'amara-okafor-nw'),
          review(2, 201, 'kim-cx'),
          review(4, 103, 'sofia-marquez-nw'),
        ]),
      ],
      repo.dir,
    );
    expect(met.stderr).toBe('');
    expect(met.stdout).not.toMatch(/not met/i);
    expect(met.code).toBe(0);
    const selfApproved = await runLeash(
      [
        ...args(),
        '--reviews',
        reviewsFile([
          review(1, 101, 'amara-okafor-nw'),
          review(3, 500, 'dev-dan'),
          review(4, 103, 'sofia-marquez-nw'),
        ]),
      ],
      repo.dir,
    );
    expect(selfApproved.code).toBe(1);
    const stale = await runLeash(
      [
        ...args(),
        '--reviews',
        reviewsFile([
          review(1, 101, 'amara-okafor-nw', 'APPROVED', main),
          review(2, 201, 'kim-cx'),
          review(4, 103, 'sofia-marquez-nw'),
        ]),
      ],
      repo.dir,
    );
    expect(stale.code).toBe(1);
  });

  it('judges a PR that lowers its own bar by the rules of the base', async () => {
    repo.checkout('pr');
    repo.branch('lower-the-bar');
    const config = readFileSync(join(repo.policyDir, 'leash.yaml'), 'utf8');
    // The PR deletes every rule and asks for nothing.
    repo.write({ 'leash.yaml': config.replace(/ {2}approvals:\n[\s\S]*?\n\n/, '') });
    const lowered = repo.commit('no more approvals');
    repo.checkout('main');
    const r = await runLeash(
      ['approvals', 'policies', '--base', main, '--head', lowered, '-f', 'json', '--now', NOW],
      repo.dir,
    );
    const { requirement } = JSON.parse(r.stdout);
    expect(requirement.path).toBe('governance');
    const keys = requirement.requirements.map((x: { key: string }) => x.key);
    expect(keys).toEqual(expect.arrayContaining(['group:security', 'group:platform']));
  });

  it('gives a revert, which only removes access, the lighter path', async () => {
    const merge = repo.merge('pr');
    const revert = repo.revert(merge);
    const r = await runLeash(
      ['approvals', 'policies', '--base', merge, '--head', revert, '-f', 'json', '--now', NOW],
      repo.dir,
    );
    const { requirement } = JSON.parse(r.stdout);
    expect(requirement.path).toBe('removal-only');
    expect(requirement.requirements.map((x: { key: string }) => x.key)).toEqual([
      'team:northwind-retail/cx-automation',
    ]);
  });

  it('refuses a malformed reviews file with exit 2', async () => {
    const bad = join(repo.dir, 'bad.json');
    writeFileSync(bad, '{"headSha": 12}');
    const r = await runLeash([...args(), '--reviews', bad], repo.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reviews file is not valid/);
  });
});
