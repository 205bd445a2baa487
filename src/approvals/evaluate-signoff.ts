import type {
  IgnoreReason,
  IgnoredApproval,
  Membership,
  Person,
  Requirement,
  RequirementOutcome,
  Review,
  ReviewState,
  SignoffContext,
  SignoffRequirement,
  SignoffResult,
} from './types.js';

/** Reviews that decide a reviewer's standing; COMMENTED and PENDING ones do not. */
const DECISIVE: ReadonlySet<ReviewState> = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/**
 * Whether a pull request's reviews meet the sign-off its change requires. Pure.
 *
 * People are identified by numeric account id, never by login. An approval counts only when
 * - it is the reviewer's latest decisive review: reviews are ordered by `submitted_at` (then
 *   review id), and a later APPROVED, CHANGES_REQUESTED or DISMISSED review replaces an earlier
 *   one; COMMENTED reviews replace nothing (GitHub's own rule for "latest review"); PENDING
 *   reviews were never submitted and are skipped;
 * - it approves exactly `context.headSha`;
 * - the reviewer is not the author, not among `context.pushers`, and a person (user type 'User',
 *   login not ending in '[bot]').
 *
 * A requirement is met by `count` DISTINCT eligible people in its approver set (its users,
 * resolved to ids through `membership.users`, and the members of its teams). One person may count
 * toward several requirements (like GitHub CODEOWNERS); never twice toward one.
 */
export function evaluateSignoff(
  requirement: SignoffRequirement,
  reviews: readonly Review[],
  context: SignoffContext,
): SignoffResult {
  const head = context.headSha.toLowerCase();
  const pushers = new Set(context.pushers.map((p) => p.id));
  const ignored: IgnoredApproval[] = [];

  // Each reviewer's latest decisive review, in submission order.
  const ordered = reviews
    .map((review, index) => ({ review, index, time: submittedTime(review) }))
    .sort((a, b) => a.time - b.time || a.review.id - b.review.id || a.index - b.index);
  const latest = new Map<number, Review>();
  const approvals: Review[] = [];
  for (const { review, time } of ordered) {
    if (review.state === 'PENDING') continue;
    if (review.user === null) {
      if (review.state === 'APPROVED') ignored.push(ignoredApproval(review, ['no-user']));
      continue;
    }
    if (!DECISIVE.has(review.state)) continue;
    if (review.state === 'APPROVED' && time === NOT_SUBMITTED) {
      ignored.push(ignoredApproval(review, ['not-submitted']));
      continue;
    }
    latest.set(review.user.id, review);
    if (review.state === 'APPROVED') approvals.push(review);
  }

  const eligible = new Map<number, Person>();
  const changesRequested = new Map<number, Person>();
  for (const review of latest.values()) {
    if (review.state === 'CHANGES_REQUESTED') changesRequested.set(review.user!.id, person(review.user!));
  }
  for (const review of approvals) {
    const user = review.user!;
    const last = latest.get(user.id)!;
    const reasons: IgnoreReason[] = [];
    if (last !== review) reasons.push('superseded');
    if ((review.commit_id ?? '').toLowerCase() !== head) reasons.push('stale-commit');
    if (user.id === context.author.id) reasons.push('self-approval');
    if (pushers.has(user.id)) reasons.push('pusher');
    if (isBot(user)) reasons.push('bot');
    if (reasons.length > 0) {
      ignored.push({
        ...ignoredApproval(review, reasons),
        ...(last !== review ? { supersededBy: { reviewId: last.id, state: last.state } } : {}),
      });
    } else {
      eligible.set(user.id, person(user));
    }
  }

  const resolver = membershipResolver(context.membership);
  const unresolvedUsers = new Set<string>();
  const unresolvedTeams = new Set<string>();
  const outcomes = requirement.requirements.map((req): RequirementOutcome => {
    const members = approverIds(req, resolver, unresolvedUsers, unresolvedTeams);
    const approvedBy = sortPeople([...eligible.values()].filter((p) => members.has(p.id)));
    const notInSet = sortPeople([...eligible.values()].filter((p) => !members.has(p.id)));
    const met = req.problem === undefined && approvedBy.length >= req.count;
    return {
      key: req.key,
      met,
      count: req.count,
      approvedBy,
      // An unmet requirement always misses someone, even one with a problem and enough approvals.
      missing: met ? 0 : Math.max(1, req.count - approvedBy.length),
      notInSet,
      ...(req.problem !== undefined ? { problem: req.problem } : {}),
    };
  });

  return {
    formatVersion: 1,
    headSha: context.headSha,
    met: outcomes.every((o) => o.met),
    requirements: outcomes,
    approvers: sortPeople([...eligible.values()]),
    ignored: ignored.sort((a, b) => a.reviewId - b.reviewId),
    changesRequested: sortPeople([...changesRequested.values()]),
    unresolved: { users: [...unresolvedUsers].sort(), teams: [...unresolvedTeams].sort() },
  };
}

/** Whether an account is a bot or App rather than a person. */
export function isBot(user: { login: string; type?: string }): boolean {
  return (user.type !== undefined && user.type !== 'User') || user.login.toLowerCase().endsWith('[bot]');
}

const NOT_SUBMITTED = Number.MAX_SAFE_INTEGER;

/** Milliseconds of submission; never-submitted reviews sort last, so they cannot hide a later objection. */
function submittedTime(review: Review): number {
  const t = review.submitted_at ? Date.parse(review.submitted_at) : NaN;
  return Number.isFinite(t) ? t : NOT_SUBMITTED;
}

function person(user: { id: number; login: string }): Person {
  return { id: user.id, login: user.login };
}

function ignoredApproval(review: Review, reasons: IgnoreReason[]): IgnoredApproval {
  return {
    reviewId: review.id,
    ...(review.user ? { user: person(review.user) } : {}),
    commitId: review.commit_id,
    ...(review.submitted_at ? { submittedAt: review.submitted_at } : {}),
    reasons,
  };
}

function sortPeople(people: Person[]): Person[] {
  return people.sort((a, b) => cmp(a.login ?? '', b.login ?? '') || a.id - b.id);
}

interface Resolver {
  user(login: string): number | undefined;
  team(slug: string): readonly number[] | undefined;
}

/**
 * Case-insensitive lookups (GitHub logins, org names and team slugs are). Two entries that differ
 * only in case and disagree resolve to nobody rather than to a guess.
 */
function membershipResolver(membership: Membership): Resolver {
  const users = new Map<string, number | null>();
  for (const [login, id] of Object.entries(membership.users)) {
    const key = login.toLowerCase();
    const prev = users.get(key);
    users.set(key, prev === undefined || prev === id ? id : null);
  }
  const teams = new Map<string, number[] | null>();
  for (const [slug, ids] of Object.entries(membership.teams)) {
    const key = slug.toLowerCase();
    const prev = teams.get(key);
    teams.set(key, prev === undefined || sameIds(prev, ids) ? ids : null);
  }
  return {
    user: (login) => users.get(login.toLowerCase()) ?? undefined,
    team: (slug) => teams.get(slug.toLowerCase()) ?? undefined,
  };
}

function sameIds(a: readonly number[] | null, b: readonly number[]): boolean {
  if (a === null) return false;
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((id) => set.has(id));
}

function approverIds(
  req: Requirement,
  resolver: Resolver,
  unresolvedUsers: Set<string>,
  unresolvedTeams: Set<string>,
): Set<number> {
  const ids = new Set<number>();
  for (const login of req.users) {
    const id = resolver.user(login);
    if (id === undefined) unresolvedUsers.add(login);
    else ids.add(id);
  }
  for (const team of req.teams) {
    const members = resolver.team(team);
    if (members === undefined) unresolvedTeams.add(team);
    else for (const id of members) ids.add(id);
  }
  return ids;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
