import rule from '../../../src/lint/rules/review-overdue.js';
import { testRule } from '../../helpers/rule-tester.js';

/** An agent file; spec is on line 5 and lastReviewed, when given, on line 15 (value at column 17). */
const agent = (name: string, tier: string, lastReviewed?: string, status = 'active') => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  sponsor: jane@example.com
  platform: internal
  environment: production
  tier: ${tier}
  identity:
    kind: service-account
    credentialRef: vault://kv/agents/${name}
  status: ${status}
${lastReviewed === undefined ? '' : `  lastReviewed: '${lastReviewed}'\n`}`;

const tier = (name: string, reviewEvery: string) => `apiVersion: leash/v1
kind: RiskTier
metadata:
  name: ${name}
spec:
  maxMode: read-only
  maxRisk: low
  reviewEvery: ${reviewEvery}
`;

// TEST_NOW is 2026-06-01T12:00Z. A bare date is the end of that day in UTC.
const QUARTERLY = { 'tiers/quarterly.yaml': tier('quarterly', '90d') };

testRule(rule, {
  valid: [
    { name: 'the base repository: its tier sets no review cadence', files: {} },
    {
      name: 'a tier without reviewEvery needs no lastReviewed',
      files: { 'agents/a.yaml': agent('a', 'standard') },
    },
    {
      name: 'reviewed within the period, up to the exact boundary',
      files: {
        ...QUARTERLY,
        'agents/a.yaml': agent('a', 'quarterly', '2026-03-03'),
        'agents/b.yaml': agent('b', 'quarterly', '2026-03-03T12:00:00Z'),
        'agents/c.yaml': agent('c', 'quarterly', '2026-05-31T23:00:00-02:00'),
      },
    },
    {
      name: 'weeks and hours',
      files: {
        'tiers/weekly.yaml': tier('weekly', '12w'),
        'tiers/daily.yaml': tier('daily', '24h'),
        'agents/a.yaml': agent('a', 'weekly', '2026-03-09'),
        'agents/b.yaml': agent('b', 'daily', '2026-05-31T12:00:00Z'),
      },
    },
    {
      name: 'suspended and revoked agents hold nothing to review',
      files: {
        ...QUARTERLY,
        'agents/a.yaml': agent('a', 'quarterly', undefined, 'suspended'),
        'agents/b.yaml': agent('b', 'quarterly', '2020-01-01', 'revoked'),
      },
    },
    {
      name: 'an unknown tier is left to the reference rules',
      files: { 'agents/a.yaml': agent('a', 'nonexistent') },
    },
  ],
  invalid: [
    {
      name: 'never reviewed',
      files: { ...QUARTERLY, 'agents/a.yaml': agent('a', 'quarterly') },
      errors: [
        {
          file: 'agents/a.yaml',
          line: 5,
          column: 1,
          message: "agent 'a' has no lastReviewed date; tier 'quarterly' requires a review every 90d",
        },
      ],
    },
    {
      name: 'reviewed one day too long ago',
      files: { ...QUARTERLY, 'agents/a.yaml': agent('a', 'quarterly', '2026-03-02') },
      errors: [
        {
          file: 'agents/a.yaml',
          line: 15,
          column: 17,
          message:
            "agent 'a' was last reviewed on 2026-03-02, 90 days ago; tier 'quarterly' requires a review every 90d, so a review was due by 2026-05-31",
        },
      ],
    },
    {
      name: 'one second past the boundary',
      files: { ...QUARTERLY, 'agents/a.yaml': agent('a', 'quarterly', '2026-03-03T11:59:59Z') },
      errors: [{ file: 'agents/a.yaml', line: 15, column: 17, message: 'due by 2026-06-01' }],
    },
    {
      name: 'weeks and hours, with the age in hours when under two days',
      files: {
        'tiers/weekly.yaml': tier('weekly', '12w'),
        'tiers/daily.yaml': tier('daily', '24h'),
        'agents/a.yaml': agent('a', 'weekly', '2026-03-08'),
        'agents/b.yaml': agent('b', 'daily', '2026-05-31T11:00:00Z'),
      },
      errors: [
        {
          file: 'agents/a.yaml',
          line: 15,
          column: 17,
          message: "84 days ago; tier 'weekly' requires a review every 12w",
        },
        {
          file: 'agents/b.yaml',
          line: 15,
          column: 17,
          message: "25 hours ago; tier 'daily' requires a review every 24h",
        },
      ],
    },
    {
      name: 'the clock comes from the context, not the machine',
      files: { ...QUARTERLY, 'agents/a.yaml': agent('a', 'quarterly', '2026-03-03') },
      now: new Date('2026-06-02T00:00:00Z'),
      errors: [{ file: 'agents/a.yaml', line: 15, column: 17, message: 'due by 2026-06-01' }],
    },
  ],
});
