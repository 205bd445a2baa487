import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffRevisions } from '../../src/diff/revisions.js';
import type { AgentDelta, BlastRadius } from '../../src/diff/types.js';
import { GitRepo } from '../helpers/git-repo.js';
import { BASE_FILES, TEST_NOW } from '../helpers/policy-repo.js';

const repos: GitRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function repo(files: Record<string, string> = { ...BASE_FILES }, subdir?: string): GitRepo {
  const r = new GitRepo(files, subdir ? { subdir } : {});
  repos.push(r);
  return r;
}

interface GrantSpec {
  system?: string;
  resource: string;
  actions: string[];
  mode: string;
  fields?: string[];
  expires?: string;
  when?: string;
}

function agentYaml(
  name: string,
  opts: {
    tier?: string;
    env?: string;
    status?: string;
    templates?: string[];
    grants?: GrantSpec[];
    cred?: string;
  } = {},
): string {
  const grants = [
    ...(opts.templates ?? []).map((t) => `    - template: ${t}\n`),
    ...(opts.grants ?? []).map(
      (g) =>
        `    - system: ${g.system ?? 'crm'}\n      resource: '${g.resource}'\n      actions: [${g.actions.map((a) => `'${a}'`).join(', ')}]\n      mode: ${g.mode}\n` +
        (g.fields ? `      fields: [${g.fields.join(', ')}]\n` : '') +
        (g.expires ? `      expires: ${g.expires}\n` : '') +
        (g.when ? `      when: ${g.when}\n` : ''),
    ),
  ].join('');
  return `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: ${opts.env ?? 'production'}
  tier: ${opts.tier ?? 'standard'}
  status: ${opts.status ?? 'active'}
  identity:
    kind: service-account
    credentialRef: ${opts.cred ?? `vault://kv/agents/${name}`}
${grants ? `  grants:\n${grants}` : ''}`;
}

const READ_CONTACT: GrantSpec = { resource: 'contact', actions: ['read'], mode: 'read-only' };
const bot = (opts: Parameters<typeof agentYaml>[1] = {}) =>
  agentYaml('bot', { templates: ['support'], grants: [READ_CONTACT], ...opts });

async function diff(r: GitRepo, base: string, head?: string): Promise<BlastRadius> {
  return diffRevisions({ dir: r.policyDir, base, ...(head ? { head } : {}), now: TEST_NOW });
}

function agent(radius: BlastRadius, name: string): AgentDelta {
  const a = radius.agents.find((x) => x.name === name);
  if (!a) throw new Error(`no delta for ${name}: ${radius.agents.map((x) => x.name).join(', ')}`);
  return a;
}

const keys = (changes: { system: string; resource: string; action: string }[]) =>
  changes.map((c) => `${c.system}/${c.resource}.${c.action}`);

describe('leash diff: gains and losses', () => {
  it('a gained critical, irreversible, financial action in production, against the work tree', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    r.write({
      'agents/bot.yaml': bot({
        grants: [
          READ_CONTACT,
          { resource: 'case', actions: ['refund'], mode: 'execute-gated', expires: '2026-07-01' },
        ],
      }),
    });
    const radius = await diff(r, 'HEAD');
    const a = agent(radius, 'bot');
    expect(keys(a.gained)).toEqual(['crm/case.refund']);
    expect(a.lost).toEqual([]);
    expect(a.newCritical).toEqual(['crm/case.refund']);
    expect(a.newFinancial).toEqual(['crm/case.refund']);
    expect(a.newIrreversible).toEqual(['crm/case.refund']);
    expect(a.causes).toEqual(['Agent bot (agents/bot.yaml)']);
    expect(radius.headline).toBe(
      '1 agent gains access; 1 gains a critical irreversible financial action in production',
    );
    expect(['high', 'critical']).toContain(radius.risk.level);
    expect(radius.risk.reasons[0]).toMatch(/agent bot/);
    expect(a.risk.reasons[0]).toMatch(
      /^\+\d+(\.\d)? crm\/case\.refund gained in execute-gated: critical, irreversible, financial, production$/,
    );
    expect(radius.removalOnly).toBe(false);
    expect(radius.head).toEqual({ revision: 'work tree' });
    expect(radius.base.commit).toBe(r.head());
  });

  it('a removed grant is a loss, and a change of only losses is removal-only', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({ 'agents/bot.yaml': agentYaml('bot', { templates: ['support'] }) });
    const head = r.commit('drop contact read');
    const radius = await diff(r, base, head);
    expect(keys(agent(radius, 'bot').lost)).toEqual(['crm/contact.read']);
    expect(agent(radius, 'bot').gained).toEqual([]);
    expect(radius.removalOnly).toBe(true);
    expect(radius.risk.score).toBe(0);
    expect(radius.headline).toBe('1 agent loses access');
    expect(radius.head.commit).toBe(head);
  });

  it('widened: mode raised, fields added, condition removed, expiry extended; narrowed the other way', async () => {
    const limited: GrantSpec = {
      resource: 'contact',
      actions: ['update'],
      mode: 'draft-only',
      fields: ['email'],
      expires: '2026-07-01',
      when: '{ rateLimit: { count: 10, per: hour } }',
    };
    const wide: GrantSpec = {
      resource: 'contact',
      actions: ['update'],
      mode: 'execute-limited',
      fields: ['email', 'name'],
      expires: '2026-08-01',
    };
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot({ grants: [limited] }) });
    const base = r.head();
    r.write({ 'agents/bot.yaml': bot({ grants: [wide] }) });
    const head = r.commit('widen');
    const up = agent(await diff(r, base, head), 'bot');
    expect(keys(up.widened)).toEqual(['crm/contact.update']);
    expect(up.widened[0]!.details).toEqual([
      'mode draft-only → execute-limited',
      'fields + name',
      'condition rateLimit removed',
      'expiry 2026-07-01 → 2026-08-01',
    ]);
    expect(up.widened[0]!.facts).toEqual({
      modeRaised: { from: 'draft-only', to: 'execute-limited' },
      fieldsAdded: ['name'],
      conditionsRelaxed: ['rateLimit'],
      expiryExtended: { from: '2026-07-01', to: '2026-08-01' },
    });
    const down = agent(await diff(r, head, base), 'bot');
    expect(keys(down.narrowed)).toEqual(['crm/contact.update']);
    expect(down.widened).toEqual([]);
    expect(down.narrowed[0]!.details).toContain('mode execute-limited → draft-only');
  });

  it('a glob that now matches more resources gains them, and says through which wildcard', async () => {
    const glob = (resource: string) =>
      agentYaml('bot', { grants: [{ resource, actions: ['read'], mode: 'read-only' }] });
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': glob('con*') });
    const base = r.head();
    r.write({ 'agents/bot.yaml': glob('c*') });
    const a = agent(await diff(r, base), 'bot');
    expect(keys(a.gained)).toEqual(['crm/case.read']);
    expect(a.gained[0]!.facts.viaWildcard).toBe('c*');
  });
});

describe('leash diff: fan-out', () => {
  const two = () => ({
    ...BASE_FILES,
    'agents/bot.yaml': bot(),
    'agents/helper.yaml': agentYaml('helper', { templates: ['support'] }),
    'agents/loner.yaml': agentYaml('loner', { grants: [READ_CONTACT] }),
  });

  it('a template change lists every agent it reaches, with the effect on each', async () => {
    const r = repo(two());
    const base = r.head();
    r.write({
      'templates/support.yaml': BASE_FILES['templates/support.yaml']!.replace(
        'actions: [read, create]',
        'actions: [read]',
      ),
    });
    const radius = await diff(r, base);
    expect(radius.documents).toEqual([
      {
        kind: 'Template',
        name: 'support',
        change: 'modified',
        file: 'templates/support.yaml',
        agents: ['bot', 'helper'],
      },
    ]);
    expect(radius.agents.map((a) => [a.name, keys(a.lost)])).toEqual([
      ['bot', ['crm/case.create']],
      ['helper', ['crm/case.create']],
    ]);
    expect(radius.unchangedAgents).toBe(1);
    expect(agent(radius, 'helper').causes).toEqual(['Template support (templates/support.yaml)']);
  });

  it('finds an agent that spells the template name with escapes', async () => {
    const sneaky = agentYaml('sneaky', { grants: [READ_CONTACT] }).replace(
      '  grants:\n',
      '  grants:\n    - template: "supp\\x6frt"\n',
    );
    const r = repo({ ...two(), 'agents/sneaky.yaml': sneaky });
    const base = r.head();
    r.write({
      'templates/support.yaml': BASE_FILES['templates/support.yaml']!.replace(
        'actions: [read, create]',
        'actions: [read]',
      ),
    });
    const radius = await diff(r, base);
    expect(radius.documents[0]!.agents).toEqual(['bot', 'helper', 'sneaky']);
    expect(keys(agent(radius, 'sneaky').lost)).toEqual(['crm/case.create']);
  });

  it('a system marking an action irreversible reaches every agent holding it', async () => {
    const r = repo(two());
    const base = r.head();
    r.write({
      'systems/crm.yaml': BASE_FILES['systems/crm.yaml']!.replace(
        'create: { risk: low }',
        'create: { risk: high, reversible: false }',
      ),
    });
    const radius = await diff(r, base);
    expect(radius.documents[0]!.agents).toEqual(['bot', 'helper', 'loner']);
    // The permission itself did not change hands, so no gain; it is the same grant on a riskier action.
    expect(radius.agents.map((a) => a.name)).toEqual([]);
    expect(radius.headline).toBe('No change in access (1 document changed)');
  });

  it('a tier move is recorded and is not removal-only', async () => {
    const restricted = BASE_FILES['tiers/standard.yaml']!.replace('name: standard', 'name: restricted');
    const r = repo({ ...two(), 'tiers/restricted.yaml': restricted });
    const base = r.head();
    r.write({ 'agents/loner.yaml': agentYaml('loner', { grants: [READ_CONTACT], tier: 'restricted' }) });
    const radius = await diff(r, base);
    expect(agent(radius, 'loner').tier).toEqual({ before: 'standard', after: 'restricted' });
    expect(radius.removalOnly).toBe(false);
    expect(radius.headline).toBe('1 agent moves tier');
  });
});

describe('leash diff: agents and files', () => {
  it('new and removed agents, and a suspension that takes everything away', async () => {
    const r = repo({
      ...BASE_FILES,
      'agents/bot.yaml': bot(),
      'agents/old.yaml': agentYaml('old', { grants: [READ_CONTACT] }),
    });
    const base = r.head();
    r.write({
      'agents/old.yaml': null,
      'agents/fresh.yaml': agentYaml('fresh', { grants: [READ_CONTACT] }),
      'agents/bot.yaml': bot({ status: 'suspended' }),
    });
    const radius = await diff(r, base);
    expect(agent(radius, 'fresh').change).toBe('added');
    expect(keys(agent(radius, 'fresh').gained)).toEqual(['crm/contact.read']);
    expect(agent(radius, 'old').change).toBe('removed');
    expect(keys(agent(radius, 'old').lost)).toEqual(['crm/contact.read']);
    const b = agent(radius, 'bot');
    expect(b.status).toEqual({ before: 'active', after: 'suspended' });
    expect(keys(b.lost)).toEqual(['crm/case.create', 'crm/case.read', 'crm/contact.read']);
    expect(radius.headline).toBe('1 new agent; 2 agents lose access');
  });

  it('says how many agents gain risky actions, in good English for one and for many', async () => {
    const refund: GrantSpec = {
      resource: 'case',
      actions: ['refund'],
      mode: 'execute-gated',
      expires: '2026-07-01',
    };
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({
      'agents/bot.yaml': bot({ grants: [READ_CONTACT, refund] }),
      'agents/twin.yaml': agentYaml('twin', { grants: [refund] }),
    });
    expect((await diff(r, base)).headline).toBe(
      '1 new agent; 1 agent gains access; 2 gain critical irreversible financial actions in production',
    );
  });

  it('a file renamed or moved between folders is no change in access', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({ 'agents/bot.yaml': null, 'agents/cx/bot.yaml': bot() });
    const radius = await diff(r, base);
    expect(radius.documents).toEqual([
      {
        kind: 'Agent',
        name: 'bot',
        change: 'renamed',
        file: 'agents/cx/bot.yaml',
        previousFile: 'agents/bot.yaml',
        agents: ['bot'],
      },
    ]);
    expect(radius.agents).toEqual([]);
    expect(radius.headline).toBe('No change in access (1 document changed)');
  });

  it('a broken file on one side is reported, not crashed on, and not taken for a removal', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({ 'agents/bot.yaml': bot() + 'spec: {}\n' });
    const radius = await diff(r, base);
    expect(radius.diagnostics.map((d) => [d.ruleId, d.file, d.range?.start.line])).toEqual([
      ['duplicate-key', 'agents/bot.yaml', 21],
    ]);
    expect(radius.diagnostics[0]!.message).toMatch(/^in work tree: /);
    expect(radius.agents).toEqual([]);
    expect(radius.documents).toEqual([
      { kind: 'Agent', name: 'bot', change: 'modified', file: 'agents/bot.yaml', agents: [] },
    ]);
  });

  it("a file broken before the change and untouched by it is not the change's problem", async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot(), 'agents/junk.yaml': 'a: 1\na: 2\n' });
    const base = r.head();
    r.write({ 'agents/bot.yaml': agentYaml('bot', { templates: ['support'] }) });
    const radius = await diff(r, base);
    expect(radius.diagnostics).toEqual([]);
    expect(keys(agent(radius, 'bot').lost)).toEqual(['crm/contact.read']);
  });

  it('agents fed by a template that is broken in head are not taken to lose access', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({ 'templates/support.yaml': BASE_FILES['templates/support.yaml']! + 'kind: Template\n' });
    const radius = await diff(r, base);
    expect(radius.agents).toEqual([]);
    expect(radius.diagnostics.map((d) => [d.ruleId, d.file])).toEqual([
      ['duplicate-key', 'templates/support.yaml'],
    ]);
    expect(radius.documents).toEqual([
      {
        kind: 'Template',
        name: 'support',
        change: 'modified',
        file: 'templates/support.yaml',
        agents: ['bot'],
      },
    ]);
  });

  it('reads a policy folder inside a larger repository', async () => {
    const files = Object.fromEntries(Object.entries({ ...BASE_FILES, 'agents/bot.yaml': bot() }));
    const r = repo(files, 'policies');
    r.write({ 'README.md': 'not policy' });
    const base = r.commit('readme');
    r.write({ 'agents/bot.yaml': agentYaml('bot', { templates: ['support'] }) });
    const radius = await diff(r, base);
    expect(keys(agent(radius, 'bot').lost)).toEqual(['crm/contact.read']);
    expect(agent(radius, 'bot').file).toBe('agents/bot.yaml');
  });
});

describe('leash diff: governance, merges and reverts', () => {
  it('an edit of leash.yaml approval rules is a governance change', async () => {
    const config =
      BASE_FILES['leash.yaml']! +
      '  approvals:\n    rules:\n      - name: all\n        require: [{ ownerTeam: true, count: 2 }]\n';
    const r = repo({ ...BASE_FILES, 'leash.yaml': config });
    const base = r.head();
    r.write({ 'leash.yaml': config.replace('count: 2', 'count: 1') });
    const radius = await diff(r, base);
    expect(radius.governance).toEqual({
      configChanged: true,
      approvalRulesChanged: true,
      approverGroupsChanged: false,
      tiersChanged: [],
    });
    expect(radius.removalOnly).toBe(false);
    expect(radius.risk.reasons).toContain(
      '+20 the rules themselves change (leash.yaml, approval rules, approver groups or tiers)',
    );
  });

  it('making an environment production reaches the agents in it', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot({ env: 'staging' }) });
    const base = r.head();
    r.write({
      'leash.yaml': BASE_FILES['leash.yaml']!.replace(
        'staging: { production: false }',
        'staging: { production: true }',
      ),
    });
    const radius = await diff(r, base);
    expect(radius.documents[0]).toMatchObject({ kind: 'Config', agents: ['bot'] });
  });

  it('a PR branch merged, then reverted: the revert only removes access', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const before = r.head();
    r.branch('grant-refunds');
    r.write({
      'agents/bot.yaml': bot({
        grants: [
          READ_CONTACT,
          { resource: 'case', actions: ['refund'], mode: 'execute-gated', expires: '2026-07-01' },
        ],
      }),
    });
    r.commit('grant refunds');
    r.checkout('main');
    const merge = r.merge('grant-refunds');
    const merged = await diff(r, before, merge);
    expect(keys(agent(merged, 'bot').gained)).toEqual(['crm/case.refund']);
    const revert = r.revert(merge);
    const reverted = await diff(r, merge, revert);
    expect(keys(agent(reverted, 'bot').lost)).toEqual(['crm/case.refund']);
    expect(reverted.removalOnly).toBe(true);
    const net = await diff(r, before, revert);
    expect(net.agents).toEqual([]);
  });

  it('an unknown revision is a fatal error, not an empty diff', async () => {
    const r = repo();
    await expect(diff(r, 'no-such-branch')).rejects.toThrow(/does not name a commit|no-such-branch/);
  });
});

describe('leash diff: reading only what the change reaches', () => {
  /** The targeted diff, checked against reading both sides whole. */
  async function both(r: GitRepo, base: string, head?: string): Promise<BlastRadius> {
    const args = { dir: r.policyDir, base, ...(head ? { head } : {}), now: TEST_NOW };
    const [targeted, full] = await Promise.all([diffRevisions(args), diffRevisions({ ...args, full: true })]);
    expect(targeted).toEqual(full);
    return targeted;
  }

  it('agents whose files did not change still show the change their template makes, beside an edited agent', async () => {
    const r = repo({
      ...BASE_FILES,
      'agents/bot.yaml': bot(),
      'agents/team/helper.yaml': agentYaml('helper', { templates: ['support'] }),
      'agents/loner.yaml': agentYaml('loner', { grants: [READ_CONTACT] }),
    });
    const base = r.head();
    r.write({
      'templates/support.yaml': BASE_FILES['templates/support.yaml']!.replace(
        'actions: [read, create]',
        'actions: [read, create, refund]',
      ),
      'agents/loner.yaml': agentYaml('loner', { grants: [{ ...READ_CONTACT, actions: ['read', 'update'] }] }),
    });
    const head = r.commit('template and loner');
    const radius = await both(r, base, head);
    expect(radius.agents.map((a) => [a.name, keys(a.gained)])).toEqual([
      ['bot', ['crm/case.refund']],
      ['helper', ['crm/case.refund']],
      ['loner', ['crm/contact.update']],
    ]);
    expect(agent(radius, 'helper').file).toBe('agents/team/helper.yaml');
    expect(agent(radius, 'helper').causes).toEqual(['Template support (templates/support.yaml)']);
    expect(radius.unchangedAgents).toBe(0);
  });

  it('a file moved between folders in a commit is a rename, not a removal and an addition', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({ 'agents/bot.yaml': null, 'agents/cx/bot.yaml': bot() });
    const radius = await both(r, base, r.commit('move'));
    expect(radius.documents).toEqual([
      {
        kind: 'Agent',
        name: 'bot',
        change: 'renamed',
        file: 'agents/cx/bot.yaml',
        previousFile: 'agents/bot.yaml',
        agents: ['bot'],
      },
    ]);
    expect(radius.agents).toEqual([]);
  });

  it('a file broken in a commit is reported in the words of that commit', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({ 'agents/bot.yaml': bot() + 'spec: {}\n' });
    const head = r.commit('break bot');
    const radius = await both(r, base, head);
    expect(radius.diagnostics.map((d) => [d.ruleId, d.file, d.message.slice(0, head.length + 4)])).toEqual([
      ['duplicate-key', 'agents/bot.yaml', `in ${head}:`],
    ]);
    expect(radius.agents).toEqual([]);
    // Mended: the change touches the broken file, so base's problem with it is shown, in the
    // words of base, and the agent is not taken to be new.
    r.write({ 'agents/bot.yaml': bot() });
    const mended = await both(r, head, r.commit('mend'));
    expect(mended.diagnostics.map((d) => [d.ruleId, d.message.slice(0, head.length + 4)])).toEqual([
      ['duplicate-key', `in ${head}:`],
    ]);
    expect(mended.documents.map((d) => [d.name, d.change])).toEqual([['bot', 'modified']]);
  });

  it('an untracked file that is not YAML under agents/ is not read as an agent', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() });
    const base = r.head();
    r.write({
      'agents/notes.txt': 'not: [policy\n',
      'agents/bot.yaml': bot({ tier: 'standard', env: 'staging' }),
    });
    const radius = await both(r, base);
    expect(radius.diagnostics).toEqual([]);
    expect(radius.documents.map((d) => d.file)).toEqual(['agents/bot.yaml']);
  });

  it('an empty .git folder in the policy folder does not fool the search for the repository', async () => {
    const r = repo({ ...BASE_FILES, 'agents/bot.yaml': bot() }, 'policies');
    mkdirSync(join(r.policyDir, '.git'));
    const base = r.head();
    r.write({ 'agents/bot.yaml': agentYaml('bot', { templates: ['support'] }) });
    const radius = await both(r, base, r.commit('drop contact read'));
    expect(keys(agent(radius, 'bot').lost)).toEqual(['crm/contact.read']);
    expect(radius.head.commit).toBe(r.head());
  });
});
