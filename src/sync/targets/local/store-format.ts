/**
 * The local store on disk: `<path>/store.json` names the format, and each agent has one file,
 * `<path>/agents/<agent>.json`, holding its identity, its permissions and the Cedar policies
 * and entities compiled from them. One file per agent makes every change one atomic rename,
 * and lets `leash authorize` load only the agent it is asked about.
 */
import type { Conditions } from '../../../model/generated.js';
import type { Mode, Risk } from '../../../model/modes.js';

export const STORE_FORMAT_VERSION = 1;
export const STORE_KIND = 'leash-local-store';

/** An agent's identity as the store keeps it. */
export interface StoredIdentity {
  status: 'active' | 'suspended' | 'revoked';
  environment: string;
  tier: string;
  owner: string;
  platform: string;
}

/** A permission as the store keeps it (the `permission` object's attributes). */
export interface StoredPermission {
  system: string;
  resource: string;
  action: string;
  mode: Mode;
  effect: 'read' | 'write';
  risk: Risk;
  reversible: boolean;
  external: boolean;
  financial: boolean;
  fields?: string[];
  conditions?: Conditions;
  expires?: string;
  /** Where the grant is written: `file:line`, and `(via template <name>)` when it came through one. */
  sources: string[];
}

export interface AgentFile {
  formatVersion: typeof STORE_FORMAT_VERSION;
  agent: string;
  identity: StoredIdentity | null;
  permissions: StoredPermission[];
  /** Cedar policies by id, and the entities a request needs. */
  cedar: { policies: Record<string, string>; entities: unknown[] };
}

/** Raised when the store holds something leash did not write: it is never taken as absence. */
export class StoreFormatError extends Error {
  override name = 'StoreFormatError';
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks a parsed agent file's shape; throws StoreFormatError naming the file. */
export function checkAgentFile(value: unknown, file: string, expectedAgent: string): AgentFile {
  const fail = (why: string): never => {
    throw new StoreFormatError(`${file}: not a leash local-store agent file (${why})`);
  };
  if (!isObject(value)) return fail('not a JSON object');
  if (value.formatVersion !== STORE_FORMAT_VERSION)
    return fail(`formatVersion ${String(value.formatVersion)}`);
  if (value.agent !== expectedAgent || !NAME.test(expectedAgent))
    return fail('agent does not match the file name');
  if (value.identity !== null && !isObject(value.identity)) return fail('identity');
  if (!Array.isArray(value.permissions)) return fail('permissions');
  for (const p of value.permissions) {
    if (
      !isObject(p) ||
      typeof p.system !== 'string' ||
      typeof p.resource !== 'string' ||
      typeof p.action !== 'string'
    ) {
      return fail('a permission without system, resource and action');
    }
    if (typeof p.mode !== 'string' || !Array.isArray(p.sources))
      return fail('a permission without mode or sources');
  }
  if (
    !isObject(value.cedar) ||
    !isObject(value.cedar.policies) ||
    Object.values(value.cedar.policies).some((p) => typeof p !== 'string') ||
    !Array.isArray(value.cedar.entities)
  ) {
    return fail('cedar');
  }
  return value as unknown as AgentFile;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
