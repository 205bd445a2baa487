import { describe, expect, it } from 'vitest';
import { computeRequiredSignoff } from '../../src/approvals/compute-signoff.js';
import { evaluateSignoff, isBot } from '../../src/approvals/evaluate-signoff.js';
import type { Review, SignoffContext, SignoffRequirement } from '../../src/approvals/types.js';
import { GROUPS, HEAD, OLD, config, delta, gained, radius, review } from './helpers.js';

// People, by numeric id.
const amara = { id: 101, login: 'amara' };
const lukas = { id: 102, login: 'lukas' };
const sofia = { id: 103, login: 'sofia' };
const nina = { id: 201, login: 'nina' }; // in the GitHub team northwind/security
const omar = { id: 301, login: 'omar' }; // in northwind/cx-automation, the owner team
const author = { id: 900, login: 'pat-author' };
const pusher = { id: 901, login: 'sam-pusher' };
const outsider = { id: 999, login: 'random-person' };

/** security ×1 (users amara, lukas; team northwind/security) and the owner team northwind/cx-automation ×1. */
const requirement: SignoffRequirement = computeRequiredSignoff(
  radius([delta('refund-agent', { gained: [gained('payments/refunds.issue', { risk: 'critical' })] })]),
  config({
    approverGroups: GROUPS,
    github: { org: 'northwind' },
    approvals: {
      rules: [
        {
          name: 'critical',
          require: [
            { group: 'security', count: 1 },
            { ownerTeam: true, count: 1 },
          ],
        },
      ],
    },
  }),
);

const context: SignoffContext = {
  headSha: HEAD,
  author,
  pushers: [{ id: pusher.id, login: pusher.login }, { id: author.id }],
  membership: {
    users: { amara: amara.id, lukas: lukas.id, sofia: sofia.id },
    teams: {
      'northwind/security': [nina.id],
      'northwind/cx-automation': [omar.id, author.id],
      'northwind/agent-platform': [],
    },
  },
};

function evaluate(reviews: Review[], over: Partial<SignoffContext> = {}) {
  return evaluateSignoff(requirement, reviews, { ...context, ...over });
}

const security = (r: ReturnType<typeof evaluate>) => r.requirements.find((o) => o.key === 'group:security')!;
const owners = (r: ReturnType<typeof evaluate>) =>
  r.requirements.find((o) => o.key === 'team:northwind/cx-automation')!;

describe('evaluateSignoff', () => {
  it('starts from the requirement it is given', () => {
    expect(requirement.requirements.map((r) => `${r.key}×${r.count}`)).toEqual([
      'group:security×1',
      'team:northwind/cx-automation×1',
    ]);
  });

  it('is met when every requirement has its count of eligible approvers', () => {
    const r = evaluate([review(amara, 'APPROVED'), review(omar, 'APPROVED')]);
    expect(r.met).toBe(true);
    expect(security(r)).toMatchObject({ met: true, approvedBy: [amara], missing: 0, notInSet: [omar] });
    expect(owners(r)).toMatchObject({ met: true, approvedBy: [omar], missing: 0, notInSet: [amara] });
    expect(r.approvers).toEqual([amara, omar]);
    expect(r.ignored).toEqual([]);
  });

  it('is not met while one requirement lacks approvals, and says how many are missing', () => {
    const r = evaluate([review(amara, 'APPROVED')]);
    expect(r.met).toBe(false);
    expect(security(r).met).toBe(true);
    expect(owners(r)).toMatchObject({ met: false, approvedBy: [], missing: 1 });
  });

  it('is met with no reviews when nothing is required', () => {
    const none = computeRequiredSignoff(radius([]), undefined);
    expect(evaluateSignoff(none, [], context)).toMatchObject({ met: true, requirements: [] });
  });

  it('counts members of a team through membership.teams (numeric ids)', () => {
    const r = evaluate([review(nina, 'APPROVED'), review(omar, 'APPROVED')]);
    expect(security(r).approvedBy).toEqual([nina]);
    expect(r.met).toBe(true);
  });

  it('lets one person count toward several requirements, never twice toward one', () => {
    const both = { id: 555, login: 'both-hats' };
    const membership = {
      users: {},
      teams: { 'northwind/security': [both.id], 'northwind/cx-automation': [both.id] },
    };
    const r = evaluate([review(both, 'APPROVED')], { membership });
    expect(r.met).toBe(true);
    expect(security(r).approvedBy).toEqual([both]);
    expect(owners(r).approvedBy).toEqual([both]);
  });

  it('counts two approvals from the same person once', () => {
    const two: SignoffRequirement = {
      ...requirement,
      requirements: [{ ...requirement.requirements[0]!, count: 2 }],
    };
    const r = evaluateSignoff(two, [review(amara, 'APPROVED'), review(amara, 'APPROVED')], context);
    expect(r.requirements[0]).toMatchObject({ met: false, approvedBy: [amara], missing: 1 });
    expect(r.ignored).toMatchObject([
      { user: amara, reasons: ['superseded'], supersededBy: { state: 'APPROVED' } },
    ]);
    const met = evaluateSignoff(two, [review(amara, 'APPROVED'), review(lukas, 'APPROVED')], context);
    expect(met.requirements[0]).toMatchObject({ met: true, approvedBy: [amara, lukas] });
  });

  describe('ignores an approval', () => {
    it('by the author (self-approval), even when they are in the set', () => {
      const r = evaluate([review(author, 'APPROVED'), review(amara, 'APPROVED')]);
      expect(owners(r).met).toBe(false);
      expect(r.ignored).toMatchObject([{ user: author, reasons: ['self-approval', 'pusher'] }]);
    });

    it('by someone who pushed to the pull request or authored a commit in it', () => {
      const membership = {
        ...context.membership,
        teams: { ...context.membership.teams, 'northwind/security': [pusher.id] },
      };
      const r = evaluate([review(pusher, 'APPROVED')], { membership });
      expect(security(r).met).toBe(false);
      expect(r.ignored).toMatchObject([{ user: pusher, reasons: ['pusher'] }]);
    });

    it('by a bot or App (type Bot, or a login ending in [bot])', () => {
      const app = { id: 41898282, login: 'github-actions[bot]', type: 'Bot' };
      const sneaky = { id: 777, login: 'renovate[bot]', type: 'User' };
      const membership = {
        users: {},
        teams: { 'northwind/security': [app.id, sneaky.id], 'northwind/cx-automation': [] },
      };
      const r = evaluate([review(app, 'APPROVED'), review(sneaky, 'APPROVED')], { membership });
      expect(security(r).met).toBe(false);
      expect(r.ignored.map((i) => [i.user?.login, i.reasons])).toEqual([
        ['github-actions[bot]', ['bot']],
        ['renovate[bot]', ['bot']],
      ]);
      expect(isBot({ login: 'amara', type: 'User' })).toBe(false);
      expect(isBot({ login: 'acme', type: 'Organization' })).toBe(true);
    });

    it('of another commit than the head (stale), or of a commit that no longer exists', () => {
      const r = evaluate([
        review(amara, 'APPROVED', { commit_id: OLD }),
        review(lukas, 'APPROVED', { commit_id: null }),
      ]);
      expect(security(r).met).toBe(false);
      expect(r.ignored.map((i) => [i.user?.login, i.reasons])).toEqual([
        ['amara', ['stale-commit']],
        ['lukas', ['stale-commit']],
      ]);
    });

    it('that a later CHANGES_REQUESTED by the same person replaced', () => {
      const r = evaluate([
        review(amara, 'APPROVED', { at: '2027-01-02T10:00:00Z' }),
        review(amara, 'CHANGES_REQUESTED', { at: '2027-01-02T11:00:00Z' }),
      ]);
      expect(security(r).met).toBe(false);
      expect(r.ignored).toMatchObject([
        { user: amara, reasons: ['superseded'], supersededBy: { state: 'CHANGES_REQUESTED' } },
      ]);
      expect(r.changesRequested).toEqual([amara]);
    });

    it('that a later DISMISSED review replaced; a dismissed approval alone is no approval', () => {
      const r = evaluate([
        review(amara, 'APPROVED', { at: '2027-01-02T10:00:00Z' }),
        review(amara, 'DISMISSED', { at: '2027-01-02T11:00:00Z' }),
      ]);
      expect(security(r).met).toBe(false);
      expect(r.ignored).toMatchObject([
        { user: amara, reasons: ['superseded'], supersededBy: { state: 'DISMISSED' } },
      ]);
      // GitHub turns a dismissed approval's own state into DISMISSED.
      expect(security(evaluate([review(amara, 'DISMISSED')])).met).toBe(false);
    });

    it('by someone not in the requirement’s set (membership excludes them)', () => {
      const r = evaluate([review(outsider, 'APPROVED'), review(sofia, 'APPROVED')]);
      expect(r.met).toBe(false);
      expect(security(r)).toMatchObject({ met: false, approvedBy: [], notInSet: [outsider, sofia] });
      expect(owners(r).notInSet).toEqual([outsider, sofia]);
      expect(r.approvers).toEqual([outsider, sofia]);
    });

    it('from a deleted account', () => {
      const r = evaluate([review(null, 'APPROVED')]);
      expect(r.ignored).toMatchObject([{ reasons: ['no-user'] }]);
      expect(r.ignored[0]!.user).toBeUndefined();
    });
  });

  it('orders reviews by submission time, not by their place in the list', () => {
    const r = evaluate(
      [
        review(amara, 'CHANGES_REQUESTED', { id: 2, at: '2027-01-02T09:00:00Z' }),
        review(amara, 'APPROVED', { id: 3, at: '2027-01-02T12:00:00Z' }),
      ].reverse(),
    );
    expect(security(r).met).toBe(true);
    expect(r.changesRequested).toEqual([]);
  });

  it('lets COMMENTED reviews replace nothing, and skips PENDING ones', () => {
    const r = evaluate([
      review(amara, 'APPROVED', { at: '2027-01-02T10:00:00Z' }),
      review(amara, 'COMMENTED', { at: '2027-01-02T11:00:00Z' }),
      review(amara, 'PENDING'),
    ]);
    expect(security(r)).toMatchObject({ met: true, approvedBy: [amara] });
    // And a comment is no approval.
    expect(security(evaluate([review(lukas, 'COMMENTED')])).met).toBe(false);
  });

  it('treats an approval with no submission time as never submitted; a later objection with none still counts', () => {
    const r = evaluate([review(amara, 'APPROVED', { submitted_at: null })]);
    expect(r.ignored).toMatchObject([{ user: amara, reasons: ['not-submitted'] }]);
    const objection = evaluate([
      review(lukas, 'APPROVED', { at: '2027-01-02T10:00:00Z' }),
      review(lukas, 'CHANGES_REQUESTED', { submitted_at: null }),
    ]);
    expect(security(objection).met).toBe(false);
  });

  describe('identifies people by numeric id, never by login', () => {
    it('a renamed login still counts: the config names the old login, the review the new one', () => {
      const renamed = { id: amara.id, login: 'amara-okafor' };
      const r = evaluate([review(renamed, 'APPROVED')]);
      expect(security(r)).toMatchObject({ met: true, approvedBy: [renamed] });
    });

    it('a reused login does not: someone else now holds a login the config names', () => {
      const impostor = { id: 4242, login: 'amara' };
      const r = evaluate([review(impostor, 'APPROVED')]);
      expect(security(r)).toMatchObject({ met: false, approvedBy: [], notInSet: [impostor] });
    });

    it('the author or a pusher under a new login is still the author or pusher', () => {
      const r = evaluate([review({ id: author.id, login: 'pat-renamed' }, 'APPROVED')]);
      expect(r.ignored[0]!.reasons).toEqual(['self-approval', 'pusher']);
    });

    it('logins resolve without regard to case; an unresolved login or team counts for nobody and is reported', () => {
      const membership = { users: { AMARA: amara.id }, teams: {} };
      const r = evaluate([review(amara, 'APPROVED'), review(nina, 'APPROVED')], { membership });
      expect(security(r).approvedBy).toEqual([amara]);
      expect(r.unresolved).toEqual({
        users: ['lukas'],
        teams: ['northwind/cx-automation', 'northwind/security'],
      });
    });

    it('two spellings of one login with different ids resolve to nobody', () => {
      const membership = { users: { amara: amara.id, Amara: 4242 }, teams: {} };
      const r = evaluate([review(amara, 'APPROVED')], { membership });
      expect(security(r).met).toBe(false);
    });
  });

  it('never meets a requirement with a problem, whoever approves', () => {
    const broken: SignoffRequirement = {
      ...requirement,
      requirements: [{ ...requirement.requirements[0]!, problem: 'The approver group is gone.' }],
    };
    const r = evaluateSignoff(broken, [review(amara, 'APPROVED')], context);
    expect(r.requirements[0]).toMatchObject({
      met: false,
      missing: 1,
      problem: 'The approver group is gone.',
    });
    expect(r.met).toBe(false);
  });

  it('compares the head commit without regard to case', () => {
    expect(security(evaluate([review(amara, 'APPROVED', { commit_id: HEAD.toUpperCase() })])).met).toBe(true);
  });
});
