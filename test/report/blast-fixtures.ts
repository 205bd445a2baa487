import type { Permission } from '../../src/compile/compile.js';
import type { AgentDelta, BlastRadius, PermissionChange } from '../../src/diff/types.js';

/** A compiled permission with the defaults of a low-risk read; override what matters. */
export function perm(
  key: `${string}/${string}.${string}`,
  overrides: Partial<Permission> = {},
  file = 'agents/x.yaml',
): Permission {
  const [system, rest] = key.split('/') as [string, string];
  const dot = rest.lastIndexOf('.');
  const resource = rest.slice(0, dot);
  const action = rest.slice(dot + 1);
  return {
    system,
    resource,
    action,
    mode: 'read-only',
    risk: 'low',
    effect: 'read',
    reversible: true,
    external: false,
    financial: false,
    dataClasses: [],
    sources: [{ file, pointer: '/spec/grants/0', resourcePattern: resource }],
    ...overrides,
  };
}

export function change(
  kind: PermissionChange['change'],
  before: Permission | undefined,
  after: Permission | undefined,
  details: string[] = [],
  facts: PermissionChange['facts'] = {},
): PermissionChange {
  const p = (after ?? before)!;
  return {
    change: kind,
    system: p.system,
    resource: p.resource,
    action: p.action,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    details,
    facts,
  };
}

export function agent(name: string, overrides: Partial<AgentDelta> = {}): AgentDelta {
  return {
    name,
    change: 'changed',
    file: `agents/${name}.yaml`,
    owner: 'cx-platform',
    environment: 'staging',
    production: false,
    tier: { before: 'standard', after: 'standard' },
    status: { before: 'active', after: 'active' },
    gained: [],
    lost: [],
    widened: [],
    narrowed: [],
    newSystems: [],
    newDataClasses: [],
    newIrreversible: [],
    newExternal: [],
    newFinancial: [],
    newCritical: [],
    causes: [`agents/${name}.yaml`],
    risk: { score: 0, level: 'none', reasons: [] },
    ...overrides,
  };
}

export function emptyRadius(overrides: Partial<BlastRadius> = {}): BlastRadius {
  return {
    formatVersion: 1,
    base: { revision: 'main', commit: '4eb614d0c2f1a9e8b7d6c5b4a3928170f6e5d4c3' },
    head: { revision: 'feature/refunds', commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6' },
    asOf: '2026-11-22T12:00:00.000Z',
    documents: [],
    agents: [],
    unchangedAgents: 9,
    governance: {
      configChanged: false,
      approvalRulesChanged: false,
      approverGroupsChanged: false,
      tiersChanged: [],
    },
    removalOnly: false,
    risk: { score: 0, level: 'none', reasons: [] },
    headline: 'No change in access',
    diagnostics: [],
    ...overrides,
  };
}

/**
 * A realistic blast radius: a production refund agent gains a critical, financial, irreversible
 * action and moves tier; a triage bot's mode widens; a new voice agent; an FAQ bot loses and
 * narrows access; a template change fans out to three agents; leash.yaml and a tier change
 * (governance); one file could not be read.
 */
export function realisticRadius(): BlastRadius {
  const refundIssue = perm(
    'payments/refund.issue',
    {
      mode: 'execute-gated',
      risk: 'critical',
      effect: 'write',
      reversible: false,
      financial: true,
      dataClasses: ['payment', 'pii'],
      fields: ['amount'],
      conditions: { maxAmount: { value: 200, currency: 'EUR' } },
      expires: '2027-01-31',
    },
    'agents/refund-agent.yaml',
  );
  const refundAgent = agent('refund-agent', {
    owner: 'payments-cx',
    environment: 'production',
    production: true,
    tier: { before: 'standard', after: 'high-impact' },
    gained: [change('gained', undefined, refundIssue)],
    newSystems: ['payments'],
    newDataClasses: ['payment'],
    newIrreversible: ['payments/refund.issue'],
    newFinancial: ['payments/refund.issue'],
    newCritical: ['payments/refund.issue'],
    causes: ['agents/refund-agent.yaml', 'tiers/high-impact.yaml'],
    risk: {
      score: 87,
      level: 'critical',
      reasons: [
        '+60 payments/refund.issue: critical, financial, irreversible, production',
        '+15 new system payments',
        '+12 tier standard → high-impact',
      ],
    },
  });

  const caseUpdateBefore = perm('crm/case.update', {
    mode: 'draft-only',
    risk: 'high',
    effect: 'write',
    dataClasses: ['pii'],
    fields: ['status'],
  });
  const triageBot = agent('triage-bot', {
    owner: 'support-ops',
    environment: 'production',
    production: true,
    widened: [
      change(
        'widened',
        caseUpdateBefore,
        { ...caseUpdateBefore, mode: 'execute-limited', fields: ['email', 'phone', 'status'] },
        ['mode draft-only → execute-limited', 'fields + email, phone'],
        { modeRaised: { from: 'draft-only', to: 'execute-limited' }, fieldsAdded: ['email', 'phone'] },
      ),
    ],
    causes: ['templates/support.yaml'],
    risk: {
      score: 45,
      level: 'high',
      reasons: [
        '+30 crm/case.update: mode draft-only → execute-limited, production',
        '+15 fields email, phone (pii)',
      ],
    },
  });

  const viaSupport = {
    sources: [
      {
        file: 'agents/voice-agent.yaml',
        pointer: '/spec/grants/0',
        resourcePattern: 'case',
        template: { name: 'support', file: 'templates/support.yaml', pointer: '/spec/grants/0' },
      },
    ],
  };
  const voiceAgent = agent('voice-agent', {
    change: 'added',
    owner: 'voice-team',
    tier: { after: 'standard' },
    status: { after: 'active' },
    gained: [
      change('gained', undefined, perm('crm/case.read', { dataClasses: ['pii'], ...viaSupport })),
      change(
        'gained',
        undefined,
        perm('telephony/call.place', {
          mode: 'execute-gated',
          risk: 'medium',
          effect: 'write',
          external: true,
          conditions: { rateLimit: { count: 20, per: 'hour' } },
        }),
      ),
    ],
    newSystems: ['crm', 'telephony'],
    newDataClasses: ['pii'],
    newExternal: ['telephony/call.place'],
    causes: ['agents/voice-agent.yaml', 'templates/support.yaml'],
    risk: {
      score: 22,
      level: 'medium',
      reasons: ['+12 new agent in staging', '+10 telephony/call.place: external'],
    },
  });

  const caseRead = perm('crm/case.read', { dataClasses: ['pii'], fields: ['email', 'phone', 'subject'] });
  const faqBot = agent('faq-bot', {
    narrowed: [change('narrowed', caseRead, { ...caseRead, fields: ['subject'] }, ['fields − email, phone'])],
    lost: [
      change(
        'lost',
        perm('kb/article.publish', { mode: 'draft-only', risk: 'medium', effect: 'write' }),
        undefined,
      ),
    ],
    causes: ['agents/faq-bot.yaml', 'templates/support.yaml'],
  });

  return emptyRadius({
    documents: [
      { kind: 'Config', name: 'northwind', change: 'modified', file: 'leash.yaml', agents: [] },
      {
        kind: 'Agent',
        name: 'faq-bot',
        change: 'modified',
        file: 'agents/faq-bot.yaml',
        agents: ['faq-bot'],
      },
      {
        kind: 'Agent',
        name: 'refund-agent',
        change: 'modified',
        file: 'agents/refund-agent.yaml',
        agents: ['refund-agent'],
      },
      {
        kind: 'Agent',
        name: 'voice-agent',
        change: 'added',
        file: 'agents/voice-agent.yaml',
        agents: ['voice-agent'],
      },
      {
        kind: 'Template',
        name: 'support',
        change: 'modified',
        file: 'templates/support.yaml',
        agents: ['faq-bot', 'triage-bot', 'voice-agent'],
      },
      {
        kind: 'RiskTier',
        name: 'high-impact',
        change: 'modified',
        file: 'tiers/high-impact.yaml',
        agents: ['refund-agent'],
      },
    ],
    agents: [refundAgent, triageBot, voiceAgent, faqBot],
    unchangedAgents: 7,
    governance: {
      configChanged: true,
      approvalRulesChanged: true,
      approverGroupsChanged: false,
      tiersChanged: ['high-impact'],
    },
    risk: {
      score: 87,
      level: 'critical',
      reasons: [
        '+60 refund-agent payments/refund.issue: critical, financial, irreversible, production',
        '+30 triage-bot crm/case.update: mode draft-only → execute-limited, production',
      ],
    },
    headline:
      '1 new agent; 2 agents gain access; 1 agent loses access; 1 agent moves tier; ' +
      '1 gains a critical irreversible financial action in production',
    diagnostics: [
      {
        ruleId: 'yaml-syntax',
        severity: 'error',
        message: 'bad indentation of a mapping entry',
        hint: 'Indent the key to match its siblings.',
        file: 'agents/broken.yaml',
        pointer: '',
        range: { start: { line: 3, column: 5 }, end: { line: 3, column: 9 } },
      },
    ],
  });
}

/** A radius that only takes access away. */
export function removalOnlyRadius(): BlastRadius {
  const full = realisticRadius();
  const faqBot = full.agents.find((a) => a.name === 'faq-bot')!;
  const retired = agent('legacy-bot', {
    change: 'removed',
    tier: { before: 'standard' },
    status: { before: 'active' },
    lost: [
      change('lost', perm('crm/case.read', { dataClasses: ['pii'] }), undefined),
      change(
        'lost',
        perm('crm/case.update', { mode: 'execute-limited', risk: 'high', effect: 'write' }),
        undefined,
      ),
    ],
  });
  return emptyRadius({
    documents: [
      {
        kind: 'Agent',
        name: 'faq-bot',
        change: 'modified',
        file: 'agents/faq-bot.yaml',
        agents: ['faq-bot'],
      },
      {
        kind: 'Agent',
        name: 'legacy-bot',
        change: 'removed',
        file: 'agents/legacy-bot.yaml',
        agents: ['legacy-bot'],
      },
    ],
    agents: [faqBot, retired],
    unchangedAgents: 7,
    removalOnly: true,
    headline: '2 agents lose access',
  });
}

/** Deterministic pseudo-random numbers (mulberry32), so "random" sizes are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = ['critical', 'high', 'medium', 'low', 'none'] as const;

/**
 * `count` changed agents, riskiest first, each with `changes` permission changes; names are
 * padded to `nameLength` characters. For size tests.
 */
export function largeRadius(options: {
  count: number;
  changes?: number;
  nameLength?: number;
  seed?: number;
}): BlastRadius {
  const { count, changes = 3, nameLength = 12 } = options;
  const random = seededRandom(options.seed ?? 1);
  const agents: AgentDelta[] = [];
  for (let i = 0; i < count; i++) {
    const score = Math.max(0, 100 - Math.floor((i * 100) / Math.max(1, count)));
    const level = LEVELS[Math.min(LEVELS.length - 1, Math.floor((i * LEVELS.length) / count))]!;
    const name = `agent-${String(i).padStart(5, '0')}-`.padEnd(nameLength, 'x');
    const gained: PermissionChange[] = [];
    for (let j = 0; j < changes; j++) {
      const risk = (['low', 'medium', 'high', 'critical'] as const)[Math.floor(random() * 4)]!;
      gained.push(
        change(
          'gained',
          undefined,
          perm(`sys${j % 7}/resource-${j}.act${Math.floor(random() * 1000)}`, {
            risk,
            mode: 'execute-gated',
            effect: 'write',
          }),
        ),
      );
    }
    agents.push(
      agent(name, {
        gained,
        file: `agents/${name}.yaml`,
        causes: [`agents/${name}.yaml`, 'templates/shared.yaml'],
        risk: { score, level, reasons: [`+${score} ${name} gains ${changes} permissions`] },
      }),
    );
  }
  return emptyRadius({
    agents,
    documents: [
      {
        kind: 'Template',
        name: 'shared',
        change: 'modified',
        file: 'templates/shared.yaml',
        agents: agents.map((a) => a.name),
      },
    ],
    unchangedAgents: 12,
    risk: { score: count ? 100 : 0, level: count ? 'critical' : 'none', reasons: [] },
    headline: `${count} agents gain access`,
  });
}
