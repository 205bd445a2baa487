import { readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { computeRequiredSignoff, resolveOwnerApprovers } from '../../src/approvals/compute-signoff.js';
import type { ChangeKind, SignoffRequirement } from '../../src/approvals/types.js';
import type { AgentDelta } from '../../src/diff/types.js';
import type { ChangeMatch, Config } from '../../src/model/generated.js';
import { GROUPS, NO_GOVERNANCE, config, delta, gained, lost, narrowed, radius, widened } from './helpers.js';

/** A config with one rule (requiring security) and nothing else. */
function oneRule(when: ChangeMatch | undefined): Config {
  return config({
    approverGroups: GROUPS,
    approvals: {
      rules: [{ name: 'the-rule', ...(when ? { when } : {}), require: [{ group: 'security', count: 1 }] }],
    },
  });
}

/** Whether the rule `when` matches a change of these agents. */
function matches(when: ChangeMatch | undefined, ...agents: AgentDelta[]): boolean {
  return computeRequiredSignoff(radius(agents), oneRule(when)).requirements.length > 0;
}

type Rules = NonNullable<NonNullable<Config['spec']['approvals']>['rules']>;

const keys = (s: SignoffRequirement) => s.requirements.map((r) => `${r.key}×${r.count}`);

describe('computeRequiredSignoff: an empty change', () => {
  it('needs nothing, whatever the rules say', () => {
    const s = computeRequiredSignoff(radius([]), oneRule(undefined));
    expect(s).toEqual({
      formatVersion: 1,
      base: { revision: 'main', commit: 'b'.repeat(40) },
      path: 'empty',
      requirements: [],
      notes: [],
    });
  });
});

describe('computeRequiredSignoff: each fact of a rule', () => {
  it('risks: of actions gained or widened, not lost', () => {
    const when: ChangeMatch = { risks: ['critical'] };
    expect(
      matches(when, delta('a', { gained: [gained('payments/refunds.issue', { risk: 'critical' })] })),
    ).toBe(true);
    expect(
      matches(
        when,
        delta('a', {
          widened: [
            widened('payments/refunds.issue', { risk: 'critical', mode: 'draft-only' }, { risk: 'critical' }),
          ],
        }),
      ),
    ).toBe(true);
    expect(matches(when, delta('a', { lost: [lost('payments/refunds.issue', { risk: 'critical' })] }))).toBe(
      false,
    );
    expect(matches(when, delta('a', { gained: [gained('payments/refunds.issue', { risk: 'high' })] }))).toBe(
      false,
    );
    // Any listed value matches.
    expect(
      matches(
        { risks: ['high', 'critical'] },
        delta('a', { gained: [gained('crm/case.close', { risk: 'high' })] }),
      ),
    ).toBe(true);
  });

  it('environments: the agent’s environment', () => {
    const change = { gained: [gained('crm/case.read')] };
    expect(matches({ environments: ['production'] }, delta('a', change))).toBe(true);
    expect(
      matches(
        { environments: ['production'] },
        delta('a', { ...change, environment: 'staging', production: false }),
      ),
    ).toBe(false);
    expect(
      matches({ environments: ['staging', 'production'] }, delta('a', { ...change, environment: 'staging' })),
    ).toBe(true);
  });

  it('modes: modes gained, or raised to', () => {
    const when: ChangeMatch = { modes: ['execute-limited'] };
    expect(
      matches(when, delta('a', { gained: [gained('crm/case.close', { mode: 'execute-limited' })] })),
    ).toBe(true);
    expect(matches(when, delta('a', { gained: [gained('crm/case.close', { mode: 'draft-only' })] }))).toBe(
      false,
    );
    const raised = widened(
      'crm/case.close',
      { mode: 'draft-only' },
      { mode: 'execute-limited' },
      {
        modeRaised: { from: 'draft-only', to: 'execute-limited' },
      },
    );
    expect(matches(when, delta('a', { widened: [raised] }))).toBe(true);
    // Widened by fields only: the mode it already held is not gained.
    const fields = widened(
      'crm/case.close',
      { fields: ['a'] },
      { fields: ['a', 'b'] },
      { fieldsAdded: ['b'] },
    );
    expect(matches(when, delta('a', { widened: [fields] }))).toBe(false);
    expect(matches(when, delta('a', { lost: [lost('crm/case.close', { mode: 'execute-limited' })] }))).toBe(
      false,
    );
  });

  it('dataClasses: data classes newly in reach', () => {
    expect(
      matches(
        { dataClasses: ['pii'] },
        delta('a', { gained: [gained('crm/contact.read')], newDataClasses: ['pii'] }),
      ),
    ).toBe(true);
    expect(
      matches(
        { dataClasses: ['payment'] },
        delta('a', { gained: [gained('crm/contact.read')], newDataClasses: ['pii'] }),
      ),
    ).toBe(false);
  });

  it('systems: systems of gained or widened permissions, not lost ones', () => {
    const when: ChangeMatch = { systems: ['payments'] };
    expect(matches(when, delta('a', { gained: [gained('payments/refunds.issue')] }))).toBe(true);
    expect(
      matches(when, delta('a', { widened: [widened('payments/refunds.issue', { mode: 'draft-only' }, {})] })),
    ).toBe(true);
    expect(matches(when, delta('a', { lost: [lost('payments/refunds.issue')] }))).toBe(false);
    expect(matches(when, delta('a', { gained: [gained('crm/case.read')] }))).toBe(false);
  });

  it('tiers: the agent’s tier before or after', () => {
    const moved = delta('a', { tier: { before: 'standard', after: 'high-impact' } });
    expect(matches({ tiers: ['high-impact'] }, moved)).toBe(true);
    expect(matches({ tiers: ['standard'] }, moved)).toBe(true);
    expect(matches({ tiers: ['sandbox'] }, moved)).toBe(false);
    expect(
      matches({ tiers: ['standard'] }, delta('new', { change: 'added', tier: { after: 'standard' } })),
    ).toBe(true);
  });

  const kinds: [ChangeKind, AgentDelta, AgentDelta][] = [
    [
      'new-agent',
      delta('a', { change: 'added', tier: { after: 'standard' }, status: { after: 'active' } }),
      delta('a'),
    ],
    [
      'removed-agent',
      delta('a', { change: 'removed', tier: { before: 'standard' }, status: { before: 'active' } }),
      delta('a'),
    ],
    [
      'gain',
      delta('a', { gained: [gained('crm/case.read')] }),
      delta('a', { lost: [lost('crm/case.read')] }),
    ],
    [
      'loss',
      delta('a', { lost: [lost('crm/case.read')] }),
      delta('a', { gained: [gained('crm/case.read')] }),
    ],
    [
      'widen',
      delta('a', { widened: [widened('crm/case.close', { mode: 'draft-only' }, {})] }),
      delta('a', { narrowed: [narrowed('crm/case.close', {}, { mode: 'draft-only' })] }),
    ],
    [
      'narrow',
      delta('a', { narrowed: [narrowed('crm/case.close', {}, { mode: 'draft-only' })] }),
      delta('a', { widened: [widened('crm/case.close', { mode: 'draft-only' }, {})] }),
    ],
    [
      'tier-move',
      delta('a', { tier: { before: 'standard', after: 'high-impact' } }),
      delta('a', { change: 'added', tier: { after: 'x' } }),
    ],
    [
      'status-change',
      delta('a', { status: { before: 'active', after: 'suspended' } }),
      delta('a', { change: 'added', status: { after: 'active' } }),
    ],
    [
      'irreversible',
      delta('a', { newIrreversible: ['telephony/call.place'] }),
      delta('a', { gained: [gained('crm/case.read')] }),
    ],
    [
      'external',
      delta('a', { newExternal: ['marketing/email.send'] }),
      delta('a', { gained: [gained('crm/case.read')] }),
    ],
    [
      'financial',
      delta('a', { newFinancial: ['payments/refunds.issue'] }),
      delta('a', { gained: [gained('crm/case.read')] }),
    ],
  ];
  it.each(kinds)('changes: %s', (kind, yes, no) => {
    expect(matches({ changes: [kind] }, yes)).toBe(true);
    expect(matches({ changes: [kind] }, no)).toBe(false);
  });

  it('changes: governance, when radius.governance has any change (with or without agents)', () => {
    const when: ChangeMatch = { changes: ['governance'] };
    const rules = oneRule(when);
    for (const governance of [
      { ...NO_GOVERNANCE, configChanged: true },
      { ...NO_GOVERNANCE, approvalRulesChanged: true },
      { ...NO_GOVERNANCE, approverGroupsChanged: true },
      { ...NO_GOVERNANCE, tiersChanged: ['high-impact'] },
    ]) {
      const r = computeRequiredSignoff(radius([], { governance }), rules);
      expect(
        r.requirements.find((q) => q.reasons.some((x) => x.origin === 'rule')),
        JSON.stringify(governance),
      ).toBeDefined();
      const withAgent = computeRequiredSignoff(
        radius([delta('a', { gained: [gained('crm/case.read')] })], { governance }),
        rules,
      );
      expect(
        withAgent.requirements[0]!.reasons.find((x) => x.origin === 'rule')?.agents.map((a) => a.name),
      ).toEqual(['a']);
    }
    expect(matches(when, delta('a', { gained: [gained('crm/case.read')] }))).toBe(false);
  });

  it('every listed fact must match, by one and the same agent', () => {
    const when: ChangeMatch = { risks: ['critical'], environments: ['production'] };
    const prodLow = delta('prod', { gained: [gained('crm/case.read', { risk: 'low' })] });
    const stagingCritical = delta('stage', {
      environment: 'staging',
      production: false,
      gained: [gained('payments/refunds.issue', { risk: 'critical' })],
    });
    // Production in one agent and critical in another is not a critical change in production.
    expect(matches(when, prodLow, stagingCritical)).toBe(false);
    expect(
      matches(when, delta('both', { gained: [gained('payments/refunds.issue', { risk: 'critical' })] })),
    ).toBe(true);
  });

  it('a rule without `when` matches every change that is not empty, even one with no agent', () => {
    expect(matches(undefined, delta('a', { lost: [lost('crm/case.read')] }))).toBe(true);
    const documentOnly = radius([], {
      documents: [{ kind: 'System', name: 'crm', change: 'modified', file: 'systems/crm.yaml', agents: [] }],
    });
    expect(computeRequiredSignoff(documentOnly, oneRule(undefined)).requirements.map((r) => r.key)).toEqual([
      'group:security',
    ]);
  });

  it('says which rule, which agents and which facts', () => {
    const s = computeRequiredSignoff(
      radius([
        delta('refund-agent', {
          gained: [
            gained('payments/refunds.issue', { risk: 'critical' }),
            gained('payments/refunds.read', { risk: 'low' }),
          ],
          newFinancial: ['payments/refunds.issue'],
        }),
        delta('staging-agent', {
          environment: 'staging',
          gained: [gained('payments/refunds.issue', { risk: 'critical' })],
        }),
      ]),
      config({
        approverGroups: GROUPS,
        approvals: {
          rules: [
            {
              name: 'critical-in-production',
              description: 'Critical actions in production.',
              when: { risks: ['critical', 'high'], environments: ['production'], changes: ['financial'] },
              require: [{ group: 'security', count: 1 }],
            },
          ],
        },
      }),
    );
    expect(s.requirements).toEqual([
      {
        key: 'group:security',
        group: 'security',
        owners: [],
        users: ['amara', 'lukas'],
        teams: ['northwind/security'],
        count: 1,
        reasons: [
          {
            origin: 'rule',
            rule: 'critical-in-production',
            description: 'Critical actions in production.',
            count: 1,
            agents: [
              {
                name: 'refund-agent',
                facts: [
                  { fact: 'risks', values: ['critical'], evidence: ['payments/refunds.issue'] },
                  { fact: 'environments', values: ['production'], evidence: [] },
                  { fact: 'changes', values: ['financial'], evidence: ['payments/refunds.issue'] },
                ],
              },
            ],
            facts: [],
          },
        ],
      },
    ]);
  });
});

describe('computeRequiredSignoff: merging requirements', () => {
  const rules: Config = config({
    approverGroups: { ...GROUPS, 'cx-automation': { users: ['nina'] } },
    github: { org: 'northwind' },
    approvals: {
      rules: [
        {
          name: 'one',
          when: { environments: ['production'] },
          require: [
            { group: 'security', count: 1 },
            { ownerTeam: true, count: 1 },
          ],
        },
        {
          name: 'two',
          when: { risks: ['critical'] },
          require: [
            { group: 'security', count: 2 },
            { ownerTeam: true, count: 2 },
          ],
        },
        { name: 'three', when: { changes: ['external'] }, require: [{ group: 'cx-leads', count: 1 }] },
      ],
    },
  });

  it('keeps, per group, the largest count of the matching rules', () => {
    const s = computeRequiredSignoff(
      radius([delta('a', { gained: [gained('pay/refunds.issue', { risk: 'critical' })] })]),
      rules,
    );
    expect(keys(s)).toEqual(['group:cx-automation×2', 'group:security×2']);
    expect(s.requirements[1]!.reasons.map((r) => [r.rule, r.count])).toEqual([
      ['one', 1],
      ['two', 2],
    ]);
  });

  it('asks each affected owner team for its own count', () => {
    const s = computeRequiredSignoff(
      radius([
        delta('a', { gained: [gained('pay/refunds.issue', { risk: 'critical' })] }),
        delta('b', { owner: 'finance-ops', gained: [gained('crm/case.read')] }),
        delta('c', { owner: 'finance-ops', environment: 'staging', newExternal: ['mail/email.send'] }),
      ]),
      rules,
    );
    // cx-automation's agent a matched rule two (2); finance-ops' agent b only rule one (1);
    // finance-ops' agent c matched only rule three, which asks no owner team.
    expect(keys(s)).toEqual([
      'group:cx-automation×2',
      'group:cx-leads×1',
      'group:security×2',
      'team:northwind/finance-ops×1',
    ]);
    const finance = s.requirements.find((r) => r.key === 'team:northwind/finance-ops')!;
    expect(finance.owners).toEqual(['finance-ops']);
    expect(finance.teams).toEqual(['northwind/finance-ops']);
    expect(finance.reasons.map((r) => [r.rule, r.agents.map((a) => a.name)])).toEqual([['one', ['b']]]);
  });

  it('merges an owner team that resolves to a group with that group’s own requirement', () => {
    const s = computeRequiredSignoff(
      radius([
        delta('a', { owner: 'security', gained: [gained('pay/refunds.issue', { risk: 'critical' })] }),
      ]),
      rules,
    );
    expect(keys(s)).toEqual(['group:security×2']);
    expect(s.requirements[0]!.owners).toEqual(['security']);
  });
});

describe('computeRequiredSignoff: owner teams', () => {
  it('are the approver group named like the owner when the base defines one', () => {
    const base = config({
      approverGroups: { 'cx-automation': { users: ['nina'], teams: ['northwind/cx'] } },
      github: { org: 'northwind' },
    });
    expect(resolveOwnerApprovers('cx-automation', base)).toEqual({
      key: 'group:cx-automation',
      group: 'cx-automation',
      users: ['nina'],
      teams: ['northwind/cx'],
    });
  });

  it('else the GitHub team <org>/<owner> of spec.github.org', () => {
    const base = config({ approverGroups: GROUPS, github: { org: 'northwind' } });
    expect(resolveOwnerApprovers('cx-automation', base)).toEqual({
      key: 'team:northwind/cx-automation',
      users: [],
      teams: ['northwind/cx-automation'],
    });
  });

  it('else nobody: a requirement no review can meet, with the reason', () => {
    const base = config({
      approverGroups: GROUPS,
      approvals: { rules: [{ name: 'default', require: [{ ownerTeam: true, count: 1 }] }] },
    });
    const s = computeRequiredSignoff(radius([delta('a', { gained: [gained('crm/case.read')] })]), base);
    expect(s.requirements).toHaveLength(1);
    expect(s.requirements[0]).toMatchObject({
      key: 'owner:cx-automation',
      owners: ['cx-automation'],
      users: [],
      teams: [],
    });
    expect(s.requirements[0]!.problem).toMatch(
      /no approver group named 'cx-automation' and no spec\.github\.org/,
    );
  });

  it('a group the base does not define, or defines empty, is a problem too', () => {
    const base = config({
      approverGroups: { empty: { description: 'Nobody yet.' } },
      approvals: {
        rules: [
          {
            name: 'default',
            require: [
              { group: 'ghost', count: 1 },
              { group: 'empty', count: 1 },
            ],
          },
        ],
      },
    });
    const s = computeRequiredSignoff(radius([delta('a', { gained: [gained('crm/case.read')] })]), base);
    expect(s.requirements.map((r) => [r.key, r.problem])).toEqual([
      ['group:empty', "The approver group 'empty' has no users or teams in the base leash.yaml."],
      ['group:ghost', "The approver group 'ghost' is not defined in the base leash.yaml."],
    ]);
  });
});

describe('computeRequiredSignoff: the rules come from the base revision', () => {
  const base = config({
    approverGroups: GROUPS,
    approvals: {
      rules: [
        { name: 'critical', when: { risks: ['critical'] }, require: [{ group: 'security', count: 2 }] },
      ],
    },
  });
  // The pull request's own leash.yaml lowers the bar: one approval from anyone in cx-leads.
  const head = config({
    approverGroups: { ...GROUPS, 'cx-leads': { users: ['sofia', 'the-author'] } },
    approvals: {
      rules: [
        { name: 'critical', when: { risks: ['critical'] }, require: [{ group: 'cx-leads', count: 1 }] },
      ],
    },
  });
  const change = radius([delta('a', { gained: [gained('pay/refunds.issue', { risk: 'critical' })] })], {
    governance: {
      ...NO_GOVERNANCE,
      configChanged: true,
      approvalRulesChanged: true,
      approverGroupsChanged: true,
    },
  });

  it('judges the change by the base rules and groups, not by the head’s', () => {
    const s = computeRequiredSignoff(change, base);
    expect(keys(s)).toEqual(['group:security×2']);
    expect(s.requirements[0]!.users).toEqual(['amara', 'lukas']);
    // What the head would have asked for, had it been passed: the lower bar the promise forbids.
    expect(keys(computeRequiredSignoff(change, head))).toEqual(['group:cx-leads×1']);
  });

  it('with no leash.yaml in the base requires nothing and says so', () => {
    const s = computeRequiredSignoff(change, undefined);
    expect(s.requirements).toEqual([]);
    expect(s.notes.join(' ')).toMatch(/base revision has no leash\.yaml/);
  });
});

describe('computeRequiredSignoff: governance changes need the highest bar', () => {
  const rules: Rules = [
    { name: 'critical', when: { risks: ['critical'] }, require: [{ group: 'security', count: 2 }] },
    {
      name: 'external',
      when: { changes: ['external'] },
      require: [{ group: 'cx-leads', count: 1 }],
    },
    {
      name: 'default',
      require: [
        { ownerTeam: true, count: 1 },
        { group: 'security', count: 1 },
      ],
    },
  ];
  const groupsChanged = { ...NO_GOVERNANCE, approverGroupsChanged: true };

  it('governanceChange.require when the base defines it', () => {
    const base = config({
      approverGroups: GROUPS,
      approvals: {
        rules,
        governanceChange: {
          require: [
            { group: 'security', count: 1 },
            { group: 'platform', count: 1 },
          ],
        },
      },
    });
    const s = computeRequiredSignoff(radius([], { governance: groupsChanged }), base);
    expect(s.path).toBe('governance');
    // The catch-all rule 'default' matches too (its group part; its owner team has no agent to ask).
    expect(keys(s)).toEqual(['group:platform×1', 'group:security×1']);
    expect(s.requirements[0]!.reasons[0]).toMatchObject({
      origin: 'governance-change',
      facts: [{ fact: 'changes', values: ['governance'], evidence: ['approver groups'] }],
    });
  });

  it('else every rule’s requirements together, whatever the rules match (the strictest)', () => {
    const base = config({ approverGroups: GROUPS, github: { org: 'northwind' }, approvals: { rules } });
    const s = computeRequiredSignoff(
      radius([delta('a', { gained: [gained('crm/case.read')] })], { governance: groupsChanged }),
      base,
    );
    expect(s.path).toBe('governance');
    expect(keys(s)).toEqual(['group:cx-leads×1', 'group:security×2', 'team:northwind/cx-automation×1']);
    expect(
      s.requirements.find((r) => r.key === 'group:security')!.reasons.map((r) => [r.origin, r.rule]),
    ).toEqual([
      ['rule', 'default'],
      ['governance-strictest', 'critical'],
      ['governance-strictest', 'default'],
    ]);
  });

  it('plus what the agents’ own changes need', () => {
    const base = config({
      approverGroups: GROUPS,
      approvals: { rules, governanceChange: { require: [{ group: 'platform', count: 1 }] } },
    });
    const s = computeRequiredSignoff(
      radius([delta('a', { owner: 'cx-leads', newExternal: ['mail/email.send'] })], {
        governance: { ...NO_GOVERNANCE, tiersChanged: ['standard'] },
      }),
      base,
    );
    expect(keys(s)).toEqual(['group:cx-leads×1', 'group:platform×1', 'group:security×1']);
  });

  it('over the removal-only path: removing access while changing the rules is still a governance change', () => {
    const base = config({
      approverGroups: GROUPS,
      approvals: {
        rules,
        removalOnly: { require: [{ group: 'cx-leads', count: 1 }] },
        governanceChange: { require: [{ group: 'security', count: 2 }] },
      },
    });
    const s = computeRequiredSignoff(
      radius([delta('a', { lost: [lost('crm/case.read')] })], {
        removalOnly: true,
        governance: { ...NO_GOVERNANCE, configChanged: true },
      }),
      base,
    );
    expect(s.path).toBe('governance');
    expect(keys(s)).toEqual(['group:cx-leads×1', 'group:security×2']);
  });

  it('a governanceChange of owner teams alone, with no agent to ask, falls back to the strictest rules', () => {
    const base = config({
      approverGroups: GROUPS,
      approvals: { rules, governanceChange: { require: [{ ownerTeam: true, count: 1 }] } },
    });
    const s = computeRequiredSignoff(radius([], { governance: groupsChanged }), base);
    expect(keys(s)).toEqual(['group:cx-leads×1', 'group:security×2']);
    expect(s.notes.join(' ')).toMatch(/every rule’s requirements apply instead/);
  });
});

describe('computeRequiredSignoff: a governance change the base has no bar for', () => {
  it('requires nothing and says so', () => {
    const governance = { ...NO_GOVERNANCE, configChanged: true };
    const none = computeRequiredSignoff(radius([], { governance }), config({ approverGroups: GROUPS }));
    expect(none.requirements).toEqual([]);
    expect(none.notes).toEqual([
      'The base leash.yaml defines no approval rules and no governanceChange: leash requires no sign-off for this governance change.',
    ]);
    const ownersOnly = computeRequiredSignoff(
      radius([], { governance }),
      config({ approvals: { rules: [{ name: 'default', require: [{ ownerTeam: true, count: 1 }] }] } }),
    );
    expect(ownersOnly.requirements).toEqual([]);
    expect(ownersOnly.notes.at(-1)).toMatch(/is an owner team’s approval, and this change affects no agent/);
  });
});

describe('computeRequiredSignoff: a change that only removes access', () => {
  const rules: Rules = [{ name: 'default', require: [{ group: 'security', count: 2 }] }];
  const removal = radius(
    [delta('a', { lost: [lost('crm/case.read')] }), delta('b', { owner: 'finance-ops', change: 'removed' })],
    {
      removalOnly: true,
    },
  );

  it('gets removalOnly.require when the base defines it', () => {
    const base = config({
      approverGroups: GROUPS,
      github: { org: 'northwind' },
      approvals: { rules, removalOnly: { require: [{ ownerTeam: true, count: 1 }] } },
    });
    const s = computeRequiredSignoff(removal, base);
    expect(s.path).toBe('removal-only');
    expect(keys(s)).toEqual(['team:northwind/cx-automation×1', 'team:northwind/finance-ops×1']);
    expect(s.requirements[0]!.reasons[0]).toEqual({
      origin: 'removal-only',
      count: 1,
      agents: [{ name: 'a', facts: [{ fact: 'changes', values: ['loss'], evidence: ['crm/case.read'] }] }],
      facts: [],
    });
  });

  it('else the matching rules apply as usual', () => {
    const s = computeRequiredSignoff(removal, config({ approverGroups: GROUPS, approvals: { rules } }));
    expect(s.path).toBe('rules');
    expect(keys(s)).toEqual(['group:security×2']);
  });
});

describe('computeRequiredSignoff: the example repository’s leash.yaml', () => {
  const base = jsyaml.load(
    readFileSync(new URL('../../policies/leash.yaml', import.meta.url), 'utf8'),
  ) as Config;
  const refund = delta('refund-agent', {
    owner: 'finance-ops',
    gained: [gained('payments/refunds.issue', { risk: 'critical', financial: true, reversible: false })],
    newFinancial: ['payments/refunds.issue'],
    newIrreversible: ['payments/refunds.issue'],
    newCritical: ['payments/refunds.issue'],
    newDataClasses: ['payment'],
  });

  it('asks security, a CX lead and the owner team for a critical financial gain in production', () => {
    const withOrg: Config = { ...base, spec: { ...base.spec, github: { org: 'northwind-retail' } } };
    const s = computeRequiredSignoff(radius([refund]), withOrg);
    expect(keys(s)).toEqual(['group:cx-leads×1', 'group:security×1', 'team:northwind-retail/finance-ops×1']);
    expect(s.requirements.find((r) => r.key === 'group:security')!.reasons.map((r) => r.rule)).toEqual([
      'critical-in-production',
      'financial-in-production',
    ]);
  });

  it('resolves owner teams to GitHub teams of spec.github.org', () => {
    const s = computeRequiredSignoff(radius([refund]), base);
    expect(
      s.requirements.find((r) => r.key === 'team:northwind-retail/finance-ops')?.problem,
    ).toBeUndefined();
  });

  it('without spec.github.org its owner teams resolve to nobody, and the requirement says so', () => {
    const noOrg = structuredClone(base);
    delete noOrg.spec.github;
    const s = computeRequiredSignoff(radius([refund]), noOrg);
    expect(s.requirements.find((r) => r.key === 'owner:finance-ops')?.problem).toBeDefined();
  });
});
