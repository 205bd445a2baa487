/**
 * The killed state and the kill's changes (pure), for every target kind: the agent keeps its
 * identity, disabled, and no grant; the disabling comes first; and it is exactly what the
 * target's own desired state is for the agent once the repository says revoked, so the kill's
 * pull request, merged, changes nothing more.
 */
import { describe, expect, it } from 'vitest';
import { killChanges, killedState } from '../../src/revoke/killed-state.js';
import { canonicalJson, objectKey } from '../../src/sync/plan.js';
import { loadAdapter } from '../../src/sync/registry.js';
import type {
  EnforcedPermission,
  JsonValue,
  ManagedObject,
  TargetAgent,
  TargetType,
} from '../../src/sync/types.js';

const AT = '2026-11-22T10:00:00Z';

function permission(over: Partial<EnforcedPermission>): EnforcedPermission {
  return {
    system: 'crm',
    resource: 'contacts',
    action: 'read',
    mode: 'read-only',
    effect: 'read',
    object: 'public.contacts',
    permissions: ['SELECT'],
    performs: true,
    effective: {} as EnforcedPermission['effective'],
    ...over,
  };
}

const GRANTS: Record<Exclude<TargetType, 'local' | 'okta' | 'entra'>, EnforcedPermission[]> = {
  postgres: [
    permission({ columns: ['name', 'email'] }),
    permission({
      resource: 'orders',
      object: 'public.orders',
      action: 'update',
      effect: 'write',
      mode: 'execute-limited',
      permissions: ['UPDATE'],
    }),
  ],
  ldap: [
    permission({ permissions: ['crm-readers'] }),
    permission({ permissions: ['crm-writers'], action: 'update' }),
  ],
  scim: [
    permission({ permissions: ['crm.viewer'] }),
    permission({ permissions: ['crm.editor'], action: 'update' }),
  ],
  'aws-iam': [
    permission({
      object: 'arn:aws:dynamodb:eu-west-1:123456789012:table/contacts',
      permissions: ['dynamodb:GetItem'],
    }),
  ],
};

function agent(name: string, status: TargetAgent['status'], reach: EnforcedPermission[]): TargetAgent {
  return {
    name,
    status,
    environment: 'production',
    tier: 'standard',
    owner: 'cx',
    platform: 'internal',
    reach,
    permissions: status === 'active' ? reach : [],
  };
}

const canonical = (objects: readonly ManagedObject[]) =>
  objects.map((o) => canonicalJson(o as unknown as JsonValue)).sort();

describe.each(Object.keys(GRANTS) as (keyof typeof GRANTS)[])('the killed state on %s', (type) => {
  it('keeps the identity disabled, drops every grant, disables first, and equals the revoked desired state', async () => {
    const adapter = await loadAdapter(type);
    const grants = GRANTS[type];
    const actual = adapter.desired({
      target: 't',
      asOf: AT,
      agents: [agent('bad-bot', 'active', grants), agent('good-bot', 'active', grants)],
    });
    const classOf = new Map(adapter.objectTypes.map((t) => [t.name, t.class]));
    expect(
      actual.filter((o) => o.agent === 'bad-bot' && classOf.get(o.type) === 'grant').length,
    ).toBeGreaterThan(0);

    const killed = killedState(adapter, 't', 'bad-bot', actual, AT);
    expect(killed.length).toBeGreaterThan(0);
    expect(killed.every((o) => o.agent === 'bad-bot' && classOf.get(o.type) === 'identity')).toBe(true);
    // What the repository saying "revoked" asks of the target: the same objects, so merging the
    // kill's pull request changes nothing more.
    const revoked = adapter
      .desired({ target: 't', asOf: AT, agents: [agent('bad-bot', 'revoked', grants)] })
      .filter((o) => o.agent === 'bad-bot');
    expect(canonical(killed)).toEqual(canonical(revoked));

    const changes = killChanges(adapter, killed, actual, 'bad-bot');
    expect(changes.every((c) => c.agent === 'bad-bot')).toBe(true);
    const firstDelete = changes.findIndex((c) => c.op === 'delete');
    const lastDisable = changes
      .map((c) => classOf.get(c.type) === 'identity' && c.op !== 'delete')
      .lastIndexOf(true);
    expect(lastDisable).toBeGreaterThanOrEqual(0);
    expect(lastDisable).toBeLessThan(firstDelete);
    // The other agent and the shared containers are not touched.
    expect(changes.some((c) => c.agent === 'good-bot' || classOf.get(c.type) === 'container')).toBe(false);
    // Applied, the changes give the killed state.
    const state = new Map(actual.filter((o) => o.agent === 'bad-bot').map((o) => [objectKey(o), o]));
    for (const c of changes) {
      if (c.op === 'delete') state.delete(objectKey(c));
      else
        state.set(objectKey(c), {
          type: c.type,
          id: c.id,
          agent: c.agent!,
          ...(c.parent ? { parent: c.parent } : {}),
          attributes: c.after!,
        });
    }
    expect(canonical([...state.values()])).toEqual(canonical(killed));
  });

  it('creates nothing for an agent the target does not hold', async () => {
    const adapter = await loadAdapter(type);
    const actual = adapter.desired({
      target: 't',
      asOf: AT,
      agents: [agent('good-bot', 'active', GRANTS[type])],
    });
    expect(killedState(adapter, 't', 'bad-bot', actual, AT)).toEqual([]);
    expect(killChanges(adapter, [], actual, 'bad-bot')).toEqual([]);
  });
});

describe('the killed state on local', () => {
  it('keeps who owns the agent and where it runs, with status revoked and no permission', async () => {
    const adapter = await loadAdapter('local');
    const actual: ManagedObject[] = [
      {
        type: 'agent',
        id: 'bad-bot',
        agent: 'bad-bot',
        attributes: {
          status: 'active',
          environment: 'production',
          tier: 'standard',
          owner: 'cx',
          platform: 'internal',
        },
      },
      { type: 'permission', id: 'bad-bot/p1', agent: 'bad-bot', attributes: { system: 'crm' } },
    ];
    expect(killedState(adapter, 'local', 'bad-bot', actual, AT)).toEqual([
      {
        type: 'agent',
        id: 'bad-bot',
        agent: 'bad-bot',
        attributes: {
          status: 'revoked',
          environment: 'production',
          tier: 'standard',
          owner: 'cx',
          platform: 'internal',
        },
      },
    ]);
    const changes = killChanges(
      adapter,
      killedState(adapter, 'local', 'bad-bot', actual, AT),
      actual,
      'bad-bot',
    );
    expect(changes.map((c) => `${c.op} ${c.type}`)).toEqual(['update agent', 'delete permission']);
  });
});
