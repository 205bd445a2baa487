import { describe, expect, it } from 'vitest';
import { computeRequiredSignoff } from '../../src/approvals/compute-signoff.js';
import { evaluateSignoff } from '../../src/approvals/evaluate-signoff.js';
import {
  escapeMarkdown,
  formatSignoffMarkdown,
  formatSignoffText,
} from '../../src/approvals/format-signoff.js';
import type { SignoffContext } from '../../src/approvals/types.js';
import { GROUPS, HEAD, NO_GOVERNANCE, OLD, config, delta, gained, radius, review } from './helpers.js';

const base = config({
  approverGroups: GROUPS,
  github: { org: 'northwind' },
  approvals: {
    rules: [
      {
        name: 'critical-in-production',
        description: 'Refunds <b>over</b> €50 need *security* | see @everyone & #12',
        when: { risks: ['critical'], environments: ['production'] },
        require: [
          { group: 'security', count: 1 },
          { ownerTeam: true, count: 1 },
        ],
      },
      { name: 'external', when: { changes: ['external'] }, require: [{ group: 'cx-leads', count: 1 }] },
    ],
  },
});

const requirement = computeRequiredSignoff(
  radius([
    delta('refund-agent', {
      owner: 'finance-ops',
      gained: [
        gained('payments/refunds.issue', { risk: 'critical' }),
        gained('payments/refunds.void', { risk: 'critical' }),
        gained('payments/refunds.hold', { risk: 'critical' }),
        gained('payments/refunds.release', { risk: 'critical' }),
      ],
    }),
  ]),
  base,
);

const context: SignoffContext = {
  headSha: HEAD,
  author: { id: 900, login: 'pat' },
  pushers: [{ id: 900 }],
  membership: {
    users: { amara: 101, lukas: 102 },
    teams: { 'northwind/security': [], 'northwind/finance-ops': [301] },
  },
};

const result = evaluateSignoff(
  requirement,
  [
    review({ id: 101, login: 'amara' }, 'APPROVED', { id: 11 }),
    review({ id: 900, login: 'pat' }, 'APPROVED', { id: 12 }),
    review({ id: 301, login: 'omar' }, 'APPROVED', { id: 13, commit_id: OLD }),
    review({ id: 102, login: 'lukas' }, 'CHANGES_REQUESTED', { id: 14 }),
  ],
  context,
);

describe('formatSignoffText', () => {
  it('lists who must approve and why, before any review', () => {
    expect(formatSignoffText(requirement)).toMatchSnapshot();
  });

  it('with the reviews: met or not, who counted, who did not and why', () => {
    const text = formatSignoffText(requirement, result);
    expect(text).toMatchSnapshot();
    expect(text).toContain('Sign-off: NOT met (1 of 2 requirements met on aaaaaaa');
    expect(text).toContain('@pat (review');
    expect(text).toContain('the pull request’s author; pushed or authored commits in the pull request');
    expect(text).toContain('approves an earlier commit');
    expect(text).toContain('changes requested by @lukas');
  });

  it('shows control and invisible characters of configured text as escapes', () => {
    const sneaky = config({
      approverGroups: GROUPS,
      approvals: {
        rules: [
          {
            name: 'r',
            description: 'safe\u001b[2J\u202Egnp.exe',
            require: [{ group: 'security', count: 1 }],
          },
        ],
      },
    });
    const text = formatSignoffText(
      computeRequiredSignoff(radius([delta('a', { gained: [gained('crm/case.read')] })]), sneaky),
    );
    expect(text).toContain('(safe\\u{1b}[2J\\u{202e}gnp.exe)');
    expect(text).not.toContain('\u001b');
  });

  it('says when nothing is required, and why', () => {
    expect(formatSignoffText(computeRequiredSignoff(radius([]), base))).toBe(
      'Sign-off: nothing required: the change does not change anything leash governs.\n',
    );
    const staging = computeRequiredSignoff(
      radius([delta('a', { environment: 'staging', gained: [gained('crm/case.read')] })]),
      base,
    );
    expect(formatSignoffText(staging)).toContain(
      'No approval rule of the base leash.yaml matches this change.',
    );
  });
});

describe('formatSignoffMarkdown', () => {
  it('lists who must approve and why, before any review', () => {
    expect(formatSignoffMarkdown(requirement)).toMatchSnapshot();
  });

  it('with the reviews', () => {
    const md = formatSignoffMarkdown(requirement, result);
    expect(md).toMatchSnapshot();
    expect(md).toContain('❌ **Sign-off not met**');
    expect(md).toContain('✅ **1 approval** from approver group `security`');
  });

  it('escapes user text: no HTML, emphasis, tables, mentions or issue links from a rule description', () => {
    const md = formatSignoffMarkdown(requirement, result);
    expect(md).toContain(
      'Refunds \\<b\\>over\\</b\\> €50 need \\*security\\* \\| see @\u200beveryone \\& \\#12',
    );
    expect(md).not.toContain('<b>');
    // Logins are code spans: shown, not mentioned.
    expect(md).toContain('`@amara`');
    expect(md).not.toMatch(/(^|[^`])@amara/);
  });

  it('cuts long lists so a PR comment stays small', () => {
    const many = computeRequiredSignoff(
      radius(
        Array.from({ length: 40 }, (_, i) =>
          delta(`agent-${String(i).padStart(2, '0')}`, {
            gained: [gained('payments/refunds.issue', { risk: 'critical' })],
          }),
        ),
        { governance: { ...NO_GOVERNANCE, configChanged: true } },
      ),
      base,
    );
    const md = formatSignoffMarkdown(many);
    expect(md).toContain('and 30 more agents');
    expect(md.length).toBeLessThan(20_000);
  });

  it('shows bidirectional overrides and control characters as escapes', () => {
    expect(escapeMarkdown('safe\u202Egnp.exe\u0007')).toBe('safe\\\\u\\{202e\\}gnp.exe\\\\u\\{7\\}');
  });

  it('renders the escape of every markdown-active character', () => {
    expect(escapeMarkdown('a_b*c`d[e](f)<g>#h|i~j!k\\l@m\nn')).toBe(
      'a\\_b\\*c\\`d\\[e\\]\\(f\\)\\<g\\>\\#h\\|i\\~j\\!k\\\\l@\u200bm n',
    );
  });
});
