/**
 * The target contract (after Terraform providers and ConductorOne Baton): a target reads the
 * actual state of what leash manages, a shared diff turns desired and actual state into typed
 * changes, and the target applies one change at a time. See docs/sync.md and ADR 0006.
 */
import type { Permission } from '../compile/compile.js';
import type { Mode } from '../model/modes.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The kinds of target leash knows. */
export const TARGET_TYPES = ['local', 'postgres', 'ldap', 'scim', 'aws-iam', 'okta', 'entra'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/**
 * What an object is to leash: an agent's identity (role, user, entry), a container shared by
 * agents (a group), or a grant (a privilege, a membership, a policy). Guardrails count grants.
 */
export type ObjectClass = 'identity' | 'container' | 'grant';

/** A type of object a target manages, declared in creation order (parents first). */
export interface ObjectType {
  name: string;
  class: ObjectClass;
}

/**
 * One object leash manages in a target. `type` + `id` identify it; `attributes` are compared
 * as canonical JSON and are what an update changes. `agent` is the agent it belongs to, absent
 * for containers shared by several agents.
 */
export interface ManagedObject {
  type: string;
  id: string;
  agent?: string;
  /** The container (`type/id`) the object lives in, e.g. a membership's group. */
  parent?: string;
  attributes: JsonObject;
}

export type ChangeOp = 'create' | 'update' | 'delete';

/** A typed change: create (after only), update (before and after), delete (before only). */
export interface Change {
  op: ChangeOp;
  type: string;
  id: string;
  agent?: string;
  parent?: string;
  before?: JsonObject;
  after?: JsonObject;
}

/**
 * A permission as a target enforces it: the effective permission joined with the System's
 * `enforce` mapping. Pure data, computed by src/sync/enforcement.ts.
 */
export interface EnforcedPermission {
  system: string;
  resource: string;
  action: string;
  mode: Mode;
  effect: 'read' | 'write';
  /** The target's object for the resource: a table, an ARN; from `enforce.object` or the target's default. */
  object: string;
  /** The target's permissions for the action: privileges, IAM actions, entitlement names. */
  permissions: string[];
  /** The resource fields granted, mapped to the target's columns (`enforce.columns`); absent: every field. */
  columns?: string[];
  /**
   * Whether the agent itself performs the action, so the target must let it: reads in any mode
   * but escalate, writes only in execute-limited and execute-gated. Recommend-only, draft-only
   * and escalate leave a write to a human; the target grants the agent nothing for it.
   */
  performs: boolean;
  expires?: string;
  /** The effective permission it comes from: conditions, risk, provenance (the local target keeps it). */
  effective: Permission;
}

/** An agent as a target sees it. */
export interface TargetAgent {
  name: string;
  status: 'active' | 'suspended' | 'revoked';
  environment: string;
  tier: string;
  owner: string;
  platform: string;
  /**
   * What the agent would hold on this target's systems were it active: an identity exists in
   * the target when this is non-empty (the local target keeps every agent).
   */
  reach: EnforcedPermission[];
  /** What it holds now: `reach` when active, empty when suspended or revoked. */
  permissions: EnforcedPermission[];
}

/** What a target is asked to hold: pure input to `desired`. */
export interface DesiredInput {
  target: string;
  agents: TargetAgent[];
  /** The moment expiries were judged against (ISO 8601). */
  asOf: string;
}

/** A target's settings from leash.yaml spec.targets.<name> (secrets are names of env variables). */
export interface TargetSettings {
  type: TargetType;
  description?: string;
  timeoutSeconds?: number;
  [key: string]: JsonValue | undefined;
}

export interface ConnectContext {
  /** The target's name in leash.yaml. */
  name: string;
  settings: TargetSettings;
  /** Environment variables, where secrets come from. */
  env: Readonly<Record<string, string | undefined>>;
  /** The folder holding leash.yaml; relative paths in settings resolve against it. */
  baseDir: string;
  signal?: AbortSignal;
}

/** An open connection to a target. */
export interface TargetConnection {
  /**
   * Everything leash manages in the target, and nothing else. Throws (never returns a partial
   * list) when any part of the state cannot be read: absence must be real.
   */
  read(signal?: AbortSignal): Promise<ManagedObject[]>;
  /**
   * Applies one change as one atomic operation at the target (an object and its leash marker
   * are created together), so a crash between changes leaves the state readable and a re-run
   * converges. Throws on failure; throw `RetryableError` for transient failures.
   */
  apply(change: Change, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional, for the kill switch: only `agent`'s own objects (its identity and grants, never a
   * shared container), with the same promise as `read`: complete or a throw. Targets without it
   * are read whole and filtered.
   */
  readAgent?(agent: string, signal?: AbortSignal): Promise<ManagedObject[]>;
}

/** A kind of target: its object types, its pure desired state, and how to connect. */
export interface TargetAdapter {
  type: TargetType;
  /** Creation order: parents first; deletes run in reverse. */
  objectTypes: readonly ObjectType[];
  /** Validates settings (besides the JSON Schema); returns problems as messages. */
  checkSettings?(settings: TargetSettings, env: Readonly<Record<string, string | undefined>>): string[];
  /** Pure: the objects the target should hold. Sorted is not required; the diff sorts. */
  desired(input: DesiredInput): ManagedObject[];
  /** The target's default object for a resource, and permissions for an action, when `enforce` is silent. */
  defaults?: {
    object?(system: string, resource: string): string;
    permissions?(
      action: { name: string; effect: 'read' | 'write' },
      system: string,
      resource: string,
    ): string[];
  };
  connect(context: ConnectContext): Promise<TargetConnection>;
  /**
   * Optional and pure: what a killed agent's objects become: its identity kept but disabled, no
   * grants. `actual` holds only that agent's objects (at least one). Without it the kill switch
   * takes the identity objects `desired` gives for the agent revoked; a target whose identity
   * carries more than the status (the local store keeps owner, tier, platform) keeps them here.
   */
  killed?(agent: string, actual: readonly ManagedObject[]): ManagedObject[];
}

/** A transient failure: apply or read is retried after `retryAfterMs` (or backoff). */
export class RetryableError extends Error {
  override name = 'RetryableError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
