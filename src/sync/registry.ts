/**
 * The registry of target kinds. Adapters load lazily: a command that never syncs to LDAP
 * never loads an LDAP client.
 */
import type { TargetAdapter, TargetType } from './types.js';

const LOADERS: Readonly<Record<TargetType, (() => Promise<TargetAdapter>) | undefined>> = {
  local: async () => (await import('./targets/local/index.js')).localAdapter,
  postgres: async () => (await import('./targets/postgres/index.js')).postgresAdapter,
  ldap: async () => (await import('./targets/ldap/index.js')).ldapAdapter,
  scim: async () => (await import('./targets/scim/index.js')).scimAdapter,
  'aws-iam': async () => (await import('./targets/aws-iam/index.js')).awsIamAdapter,
  okta: undefined,
  entra: undefined,
};

/** Raised for a target kind this version cannot sync. */
export class UnsupportedTargetError extends Error {
  override name = 'UnsupportedTargetError';
}

/** The adapter for a target kind; throws UnsupportedTargetError for kinds not built yet. */
export async function loadAdapter(type: TargetType): Promise<TargetAdapter> {
  const load = LOADERS[type];
  if (!load) {
    throw new UnsupportedTargetError(
      `target type ${type} is declared in the schema but this version of leash cannot sync it yet`,
    );
  }
  return load();
}
