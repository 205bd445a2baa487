// The data of sign-off: what a change requires (computed from the blast radius and the base
// revision's rules) and whether a pull request's reviews meet it. Plain, serializable data.

import type { ChangeMatch } from '../model/generated.js';

/** A kind of change a rule's `when.changes` can name (from the Config schema). */
export type ChangeKind = NonNullable<ChangeMatch['changes']>[number];

/** A fact of a rule's `when`. */
export type FactName = keyof ChangeMatch;

/**
 * One fact of a rule that an agent's change matched: the values of the rule that matched and,
 * where there is one, what showed it ('system/resource.action' keys, governance documents).
 */
export interface MatchedFact {
  fact: FactName;
  /** The rule's values that matched, in the rule's order. */
  values: string[];
  /** What in the change matched, sorted; empty when the value says it all (an environment). */
  evidence: string[];
}

/** Where a requirement came from. */
export type ReasonOrigin =
  /** A rule of spec.approvals.rules matched. */
  | 'rule'
  /** The change only removes access and spec.approvals.removalOnly is defined. */
  | 'removal-only'
  /** The change touches governance and spec.approvals.governanceChange is defined. */
  | 'governance-change'
  /** The change touches governance, no governanceChange is defined: every rule's requirements apply. */
  | 'governance-strictest';

/** Why a requirement is needed: one rule (or path) and the agents and facts that triggered it. */
export interface RequirementReason {
  origin: ReasonOrigin;
  /** The rule's name for origin 'rule' and 'governance-strictest'. */
  rule?: string;
  /** The rule's description, as written in the base leash.yaml. */
  description?: string;
  /** The count this reason asks for (the requirement holds the largest of its reasons). */
  count: number;
  /** The agents whose change triggered it, sorted by name, with the facts each matched. */
  agents: { name: string; facts: MatchedFact[] }[];
  /** Facts of the change as a whole (governance documents), when they triggered it. */
  facts: MatchedFact[];
}

/**
 * One requirement: `count` distinct eligible people from one set of approvers. The approvers are
 * resolved from the BASE revision's leash.yaml when the requirement is computed, so reviews can be
 * judged without the config.
 */
export interface Requirement {
  /**
   * Stable identity, also the merge key: 'group:<name>' for an approver group (also when an
   * owner team resolves to the group of the same name), 'team:<org>/<slug>' for an owner team
   * resolved to a GitHub team, 'owner:<slug>' for an owner team that resolves to nothing.
   */
  key: string;
  /** The approver group, for 'group:' keys. */
  group?: string;
  /** The agents' owner slugs this requirement stands for (from ownerTeam requirements), sorted. */
  owners: string[];
  /** GitHub logins whose owners may approve (from the approver group), sorted. */
  users: string[];
  /** GitHub teams as 'org/slug' whose members may approve, sorted. */
  teams: string[];
  /** How many distinct eligible approvers: the largest count of any reason. */
  count: number;
  reasons: RequirementReason[];
  /** Set when nobody can ever meet the requirement as configured, and why. */
  problem?: string;
}

/** Which bar was applied to the change. */
export type SignoffPath =
  /** Nothing changed: nothing is required. */
  | 'empty'
  /** The rules of spec.approvals.rules that match. */
  | 'rules'
  /** The lighter spec.approvals.removalOnly path. */
  | 'removal-only'
  /** A governance change: the highest bar the base defines (plus what the agents' changes need). */
  | 'governance';

/**
 * The sign-off a change requires, computed from its blast radius with the rules of the base
 * revision. Deterministic for a given input; requirements sorted by key.
 */
export interface SignoffRequirement {
  formatVersion: 1;
  /** The revision whose leash.yaml supplied the rules. */
  base: { revision: string; commit?: string };
  path: SignoffPath;
  /** Empty when nothing is required. */
  requirements: Requirement[];
  /** What a reviewer should know about the bar itself (no base config, an owner with no team, ...). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Reviews, shaped like GitHub's REST pull-request review objects
// (https://docs.github.com/en/rest/pulls/reviews).

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

/** A GitHub account as the review API returns it (a subset: the fields sign-off reads). */
export interface ReviewUser {
  id: number;
  login: string;
  /** 'User' for a person; 'Bot' for Apps and bots ('Organization', 'Mannequin' exist too). */
  type: string;
}

/** A pull-request review as GitHub's REST API returns it (a subset). */
export interface Review {
  id: number;
  /** null when the account was deleted (GitHub shows "ghost"). */
  user: ReviewUser | null;
  state: ReviewState;
  /** The commit the review was made on; null when that commit no longer exists. */
  commit_id: string | null;
  /** ISO 8601; absent for PENDING reviews. */
  submitted_at?: string | null;
}

/** A person, identified by numeric id; the login is for display only. */
export interface Person {
  id: number;
  login?: string;
}

/**
 * Who is in which approver set, resolved by the caller (the Action) at evaluation time.
 * Logins are matched case-insensitively (GitHub logins are); a login or team absent here counts
 * for nobody.
 */
export interface Membership {
  /** Login of an approver group's user -> the numeric id of the account it names. */
  users: Record<string, number>;
  /** 'org/slug' -> the numeric ids of the team's members. */
  teams: Record<string, number[]>;
}

/** What evaluateSignoff needs to know about the pull request besides its reviews. */
export interface SignoffContext {
  /** The pull request's head commit: only approvals of exactly this commit count. */
  headSha: string;
  /** Who opened the pull request. */
  author: { id: number; login: string };
  /** Everyone who pushed to the pull request or authored or committed one of its commits. */
  pushers: { id: number; login?: string }[];
  membership: Membership;
}

/** Why an approval does not count. */
export type IgnoreReason =
  /** A later review by the same person replaced it (CHANGES_REQUESTED, DISMISSED or a later APPROVED). */
  | 'superseded'
  /** It approves another commit than the head. */
  | 'stale-commit'
  /** The reviewer opened the pull request. */
  | 'self-approval'
  /** The reviewer pushed to the pull request or authored or committed one of its commits. */
  | 'pusher'
  /** The reviewer is a bot or App, not a person. */
  | 'bot'
  /** The reviewer's account no longer exists. */
  | 'no-user'
  /** The review has no submission time: it was never submitted. */
  | 'not-submitted';

/** An APPROVED review that does not count, and every reason why. */
export interface IgnoredApproval {
  reviewId: number;
  /** Absent when the account no longer exists. */
  user?: Person;
  commitId: string | null;
  submittedAt?: string;
  reasons: IgnoreReason[];
  /** For 'superseded': the review that replaced it. */
  supersededBy?: { reviewId: number; state: ReviewState };
}

/** How one requirement fared. */
export interface RequirementOutcome {
  key: string;
  met: boolean;
  count: number;
  /** The distinct eligible approvers that counted toward it, sorted by login then id. */
  approvedBy: Person[];
  /** How many more approvals it needs (0 when met). */
  missing: number;
  /** Eligible approvers whose approval counts elsewhere but who are not in this requirement's set. */
  notInSet: Person[];
  /** Copied from the requirement: nobody can meet it as configured. */
  problem?: string;
}

/** Whether a pull request's reviews meet the sign-off its change requires. */
export interface SignoffResult {
  formatVersion: 1;
  headSha: string;
  /** Every requirement met (true when nothing is required). */
  met: boolean;
  /** In the order of SignoffRequirement.requirements. */
  requirements: RequirementOutcome[];
  /** People whose approval counts (latest review APPROVED on the head commit, eligible), sorted. */
  approvers: Person[];
  /** Approvals that do not count, sorted by review id. */
  ignored: IgnoredApproval[];
  /** People whose latest review requests changes, sorted. Informational: GitHub enforces it. */
  changesRequested: Person[];
  /** Logins and teams of the requirements that membership does not resolve: they count for nobody. */
  unresolved: { users: string[]; teams: string[] };
}
