import type { Permission } from '../compile/compile.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { AgentStatus, Kind, Mode } from '../model/modes.js';

/** How one (system, resource, action) of an agent changed between the two revisions. */
export interface PermissionChange {
  change: 'gained' | 'lost' | 'widened' | 'narrowed';
  system: string;
  resource: string;
  action: string;
  /** The permission in the base revision (absent when gained). */
  before?: Permission;
  /** The permission in the head revision (absent when lost). */
  after?: Permission;
  /**
   * For widened and narrowed: each aspect that moved, in words a reviewer reads, e.g.
   * "mode draft-only → execute-limited", "fields + email, phone", "condition maxAmount removed",
   * "expiry 2027-01-31 → none". A change can both widen one aspect and narrow another: it is
   * 'widened' when any aspect widened.
   */
  details: string[];
  /** Facts used by approval rules and the risk score. */
  facts: {
    modeRaised?: { from: Mode; to: Mode };
    fieldsAdded?: string[];
    conditionsRelaxed?: string[];
    expiryExtended?: { from: string; to?: string };
    /** The grant's resource is a glob that now matches this resource too. */
    viaWildcard?: string;
  };
}

/** What changed for one agent, with the risk of it. Only agents with a change appear. */
export interface AgentDelta {
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** The agent's file in head (or in base when removed). */
  file: string;
  owner: string;
  environment: string;
  production: boolean;
  tier: { before?: string; after?: string };
  status: { before?: AgentStatus; after?: AgentStatus };
  gained: PermissionChange[];
  lost: PermissionChange[];
  widened: PermissionChange[];
  narrowed: PermissionChange[];
  /** Reached in head and not in base, each sorted. */
  newSystems: string[];
  newDataClasses: string[];
  /** 'system/resource.action' newly held (gained or newly executable) with that property. */
  newIrreversible: string[];
  newExternal: string[];
  newFinancial: string[];
  newCritical: string[];
  /** The changed documents that reach this agent: its own file, templates, its tier, systems, leash.yaml. */
  causes: string[];
  risk: RiskScore;
}

export interface RiskScore {
  /** 0 when nothing was gained or widened; higher is riskier. */
  score: number;
  level: 'none' | 'low' | 'medium' | 'high' | 'critical';
  /** Why, biggest contributions first, e.g. "+30 payments/refund.issue: critical, financial, irreversible, production". */
  reasons: string[];
}

/** A document added, removed, changed or renamed between the revisions, and the agents it reaches. */
export interface DocumentChange {
  kind: Kind;
  name: string;
  change: 'added' | 'removed' | 'modified' | 'renamed';
  file: string;
  previousFile?: string;
  /** Agents whose effective permissions this document feeds (fan-out), sorted. */
  agents: string[];
}

/** The blast radius of a change: what base..head does to every agent's access. Pure data. */
export interface BlastRadius {
  formatVersion: 1;
  base: { revision: string; commit?: string };
  head: { revision: string; commit?: string };
  /** The moment expiries were judged against. */
  asOf: string;
  documents: DocumentChange[];
  /** Agents with any change, riskiest first, then by name. */
  agents: AgentDelta[];
  /** How many agents exist in head with no change. */
  unchangedAgents: number;
  /** Changes to the rules themselves: leash.yaml, tiers, approver groups. */
  governance: {
    configChanged: boolean;
    approvalRulesChanged: boolean;
    approverGroupsChanged: boolean;
    tiersChanged: string[];
  };
  /** True when the change only takes access away (nothing gained, widened, added or moved up). */
  removalOnly: boolean;
  risk: RiskScore;
  /** One line for the top of a PR comment, e.g. "3 agents gain access; 1 gains an irreversible financial action in production". */
  headline: string;
  /** Problems reading either revision (a broken file is reported, never a crash). */
  diagnostics: Diagnostic[];
}
