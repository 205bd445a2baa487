/**
 * A connection to the directory: reads what leash manages with one paged one-level search per
 * container, and applies each change as one LDAP operation (an add, a modify or a delete).
 * Every modify and delete carries an assertion control (RFC 4528) that the entry bears leash's
 * marker, so the server itself refuses to touch an entry leash did not create, with no window
 * between a check and the write.
 */
import {
  AlreadyExistsError,
  AndFilter,
  Attribute,
  BerWriter,
  Change as LdapChange,
  Client,
  Control,
  EqualityFilter,
  NoSuchAttributeError,
  NoSuchObjectError,
  SizeLimitExceededError,
  TypeOrValueExistsError,
  type Entry,
  type Filter,
} from 'ldapts';
import type { Change, ConnectContext, ManagedObject, TargetConnection } from '../../types.js';
import { groupKey, isAgentName, isEntitlementName, membershipId } from './desired.js';
import { childValue, formatRdn, normalizeDn } from './dn.js';
import { ldapError, resultCode } from './errors.js';
import type { LdapSettings } from './settings.js';
import { readLdapSettings } from './settings.js';

/** The attribute and value that mark an entry or group as leash's, set in the add that creates it. */
export const MARKER_ATTRIBUTE = 'businessCategory';
export const MARKER_VALUE = 'leash-managed';

/**
 * How a disabled agent is kept from binding: ppolicy's pwdEndTime ("the time the password
 * becomes disabled") set to a moment long past. Unlike pwdAccountLockedTime, ppolicy does not
 * clear it when the password is changed, so an agent platform rotating the credential of a
 * suspended agent does not bring it back; and it needs no pwdLockout in the policy.
 */
export const DISABLED_ATTRIBUTE = 'pwdEndTime';
export const DISABLED_VALUE = '19700101000000Z';

/** Entries per page: under OpenLDAP's default size limit of 500, so each page is answered whole. */
const PAGE_SIZE = 200;

const ASSERTION_FAILED = 122;

/** The assertion control (RFC 4528): the operation applies only if the entry matches the filter. */
class AssertionControl extends Control {
  constructor(private readonly filter: Filter) {
    super('1.3.6.1.1.12', { critical: true });
  }

  override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    this.filter.write(value);
    writer.writeBuffer(value.buffer, 0x04);
  }
}

const markerFilter = () => new EqualityFilter({ attribute: MARKER_ATTRIBUTE, value: MARKER_VALUE });
const isLeash = () => new AssertionControl(markerFilter());

/** Opens a connection: binds, and checks that both containers exist. */
export async function connectLdap(context: ConnectContext): Promise<TargetConnection> {
  const target = `ldap target ${context.name}`;
  const { value: settings, problems } = readLdapSettings(context.settings);
  if (!settings) throw new Error(`${target}: ${problems.join('; ')}`);
  const password = context.env[settings.passwordEnv];
  if (!password) {
    throw new Error(`${target}: the environment variable ${settings.passwordEnv} (passwordEnv) is not set`);
  }
  context.signal?.throwIfAborted();
  const client = new Client({
    url: settings.url,
    timeout: settings.timeoutMs,
    connectTimeout: settings.timeoutMs,
    // A timed-out operation drops the socket; the next one reconnects and binds again.
    autoRebind: true,
  });
  const connection = new LdapConnection(client, settings, target);
  try {
    try {
      await client.bind(settings.bindDn, password);
    } catch (error) {
      throw ldapError(error, `${target}: binding to ${settings.url} as ${settings.bindDn}`);
    }
    await connection.checkContainer('agentsDn', settings.agentsDn);
    await connection.checkContainer('groupsDn', settings.groupsDn);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

class LdapConnection implements TargetConnection {
  constructor(
    private readonly client: Client,
    private readonly settings: LdapSettings,
    private readonly target: string,
  ) {}

  entryDn(agent: string): string {
    return `${formatRdn('uid', agent)},${this.settings.agentsDn}`;
  }

  groupDn(entitlement: string): string {
    return `${formatRdn('cn', entitlement)},${this.settings.groupsDn}`;
  }

  /** Throws a clear error when a container is missing: leash never creates them. */
  async checkContainer(setting: 'agentsDn' | 'groupsDn', dn: string): Promise<void> {
    try {
      await this.client.search(dn, { scope: 'base', attributes: ['1.1'] });
    } catch (error) {
      throw this.containerError(error, setting, dn);
    }
  }

  private containerError(error: unknown, setting: string, dn: string): Error {
    if (error instanceof NoSuchObjectError) {
      return new Error(
        `${this.target}: ${setting} ${dn} does not exist in the directory (or ${this.settings.bindDn} may not see it); create it first, leash does not create containers`,
        { cause: error },
      );
    }
    if (error instanceof SizeLimitExceededError) {
      return new Error(
        `${this.target}: reading ${setting} ${dn} stopped at the directory's size limit, so the list would be partial; let ${this.settings.bindDn} page through every entry (OpenLDAP: limits dn.exact="${this.settings.bindDn}" size.prtotal=unlimited)`,
        { cause: error },
      );
    }
    return ldapError(error, `${this.target}: reading ${setting} ${dn}`);
  }

  async read(signal?: AbortSignal): Promise<ManagedObject[]> {
    const { agentsDnNormalized, groupsDnNormalized } = this.settings;
    signal?.throwIfAborted();
    const entries = await this.searchContainer('agentsDn', 'inetOrgPerson', ['uid', DISABLED_ATTRIBUTE]);
    const objects: ManagedObject[] = [];
    const agents = new Map<string, string>();
    for (const entry of entries) {
      const name = childValue(entry.dn, 'uid', agentsDnNormalized);
      // A marked entry leash could not have created (nested deeper, another naming) is not leash's.
      if (name === undefined || !isAgentName(name)) continue;
      agents.set(name, name);
      const disabled = values(entry, DISABLED_ATTRIBUTE).includes(DISABLED_VALUE);
      objects.push({ type: 'entry', id: name, agent: name, attributes: { enabled: !disabled } });
    }
    signal?.throwIfAborted();
    const groups = await this.searchContainer('groupsDn', 'groupOfNames', ['member']);
    for (const group of groups) {
      const entitlement = childValue(group.dn, 'cn', groupsDnNormalized);
      if (entitlement === undefined || !isEntitlementName(entitlement)) continue;
      objects.push({ type: 'group', id: entitlement, attributes: {} });
      const seen = new Set<string>();
      for (const member of values(group, 'member')) {
        // Only leash's agents count: the group's own DN (the placeholder) and members someone
        // else added are not memberships leash manages.
        const value = childValue(member, 'uid', agentsDnNormalized);
        const agent = value === undefined ? undefined : agents.get(value.toLowerCase());
        if (agent === undefined || seen.has(agent)) continue;
        seen.add(agent);
        objects.push({
          type: 'membership',
          id: membershipId(entitlement, agent),
          agent,
          parent: groupKey(entitlement),
          attributes: {},
        });
      }
    }
    return objects;
  }

  /**
   * One agent's entry and memberships, as read() would find them: two searches the directory
   * answers from its indexes (the entry by uid, the groups by member), whatever the number of
   * agents. The directory matches `member` by DN, as read() does.
   */
  async readAgent(agent: string, signal?: AbortSignal): Promise<ManagedObject[]> {
    const { agentsDnNormalized, groupsDnNormalized } = this.settings;
    signal?.throwIfAborted();
    if (!isAgentName(agent)) return [];
    const entries = await this.searchContainer(
      'agentsDn',
      'inetOrgPerson',
      ['uid', DISABLED_ATTRIBUTE],
      [new EqualityFilter({ attribute: 'uid', value: agent })],
    );
    const entry = entries.find((e) => childValue(e.dn, 'uid', agentsDnNormalized) === agent);
    // No entry of leash's: read() would count no membership for it either.
    if (!entry) return [];
    const disabled = values(entry, DISABLED_ATTRIBUTE).includes(DISABLED_VALUE);
    const objects: ManagedObject[] = [
      { type: 'entry', id: agent, agent, attributes: { enabled: !disabled } },
    ];
    signal?.throwIfAborted();
    const groups = await this.searchContainer(
      'groupsDn',
      'groupOfNames',
      ['1.1'],
      [new EqualityFilter({ attribute: 'member', value: this.entryDn(agent) })],
    );
    for (const group of groups) {
      const entitlement = childValue(group.dn, 'cn', groupsDnNormalized);
      if (entitlement === undefined || !isEntitlementName(entitlement)) continue;
      objects.push({
        type: 'membership',
        id: membershipId(entitlement, agent),
        agent,
        parent: groupKey(entitlement),
        attributes: {},
      });
    }
    return objects;
  }

  /**
   * One paged one-level search for the marked entries of a container (narrowed by `narrow`);
   * throws rather than return part.
   */
  private async searchContainer(
    setting: 'agentsDn' | 'groupsDn',
    objectClass: string,
    attributes: string[],
    narrow: Filter[] = [],
  ): Promise<Entry[]> {
    const base = this.settings[setting];
    let result;
    try {
      result = await this.client.search(base, {
        // Leash only creates direct children of its containers.
        scope: 'one',
        filter: new AndFilter({
          filters: [
            new EqualityFilter({ attribute: 'objectClass', value: objectClass }),
            markerFilter(),
            ...narrow,
          ],
        }),
        attributes,
        paged: { pageSize: PAGE_SIZE },
      });
    } catch (error) {
      throw this.containerError(error, setting, base);
    }
    if (result.searchReferences.length > 0) {
      throw new Error(
        `${this.target}: the directory refers part of ${setting} ${base} to other servers (${result.searchReferences.join(', ')}); leash does not follow referrals, so it cannot read all of it`,
      );
    }
    return result.searchEntries;
  }

  async apply(change: Change, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (change.type === 'entry') return this.applyEntry(change);
    if (change.type === 'group') return this.applyGroup(change);
    if (change.type === 'membership') return this.applyMembership(change);
    throw new Error(`${this.target}: unknown object type ${change.type}`);
  }

  private async applyEntry(change: Change): Promise<void> {
    const dn = this.entryDn(change.id);
    const enabled = change.after?.enabled !== false;
    if (change.op === 'create') {
      const attributes: Record<string, string[]> = {
        objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
        uid: [change.id],
        cn: [change.id],
        sn: [change.id],
        [MARKER_ATTRIBUTE]: [MARKER_VALUE],
        description: [
          `AI agent ${change.id}, managed by leash: changes made here are undone by the next sync`,
        ],
        ...(enabled ? {} : { [DISABLED_ATTRIBUTE]: [DISABLED_VALUE] }),
      };
      try {
        await this.client.add(dn, attributes);
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw ldapError(error, `adding ${dn}`);
        const existing = await this.lookup(dn, [MARKER_ATTRIBUTE, DISABLED_ATTRIBUTE]);
        if (!existing || !isMarked(existing)) {
          throw new Error(
            `adding ${dn}: an entry with that name already exists and leash did not create it (it lacks ${MARKER_ATTRIBUTE}: ${MARKER_VALUE}); leash leaves it alone, so rename or remove it, or rename the agent`,
            { cause: error },
          );
        }
        // Leash's own, from an earlier attempt whose answer was lost: done if it is as wanted.
        if (values(existing, DISABLED_ATTRIBUTE).includes(DISABLED_VALUE) === enabled) {
          throw new Error(`adding ${dn}: leash's entry exists already; the next sync brings it up to date`);
        }
      }
      return;
    }
    if (change.op === 'update') {
      const modification = new Attribute({ type: DISABLED_ATTRIBUTE, values: [DISABLED_VALUE] });
      try {
        await this.client.modify(
          dn,
          // Enabling removes only leash's value, so an expiry an administrator set stays.
          new LdapChange({ operation: enabled ? 'delete' : 'replace', modification }),
          isLeash(),
        );
      } catch (error) {
        if (enabled && error instanceof NoSuchAttributeError) return;
        throw this.writeError(error, enabled ? `enabling ${dn}` : `disabling ${dn}`);
      }
      return;
    }
    await this.refuseWhileMember(dn);
    try {
      await this.client.del(dn, isLeash());
    } catch (error) {
      if (error instanceof NoSuchObjectError) return;
      throw this.writeError(error, `deleting ${dn}`);
    }
  }

  /** An entry is deleted only once none of leash's groups lists it, so no member is left dangling. */
  private async refuseWhileMember(dn: string): Promise<void> {
    let result;
    try {
      result = await this.client.search(this.settings.groupsDn, {
        scope: 'one',
        filter: new AndFilter({
          filters: [markerFilter(), new EqualityFilter({ attribute: 'member', value: dn })],
        }),
        attributes: ['cn'],
        sizeLimit: 5,
      });
    } catch (error) {
      throw ldapError(error, `deleting ${dn}: looking for the groups it is in`);
    }
    if (result.searchEntries.length > 0) {
      const names = result.searchEntries.map((e) => e.dn).join('; ');
      throw new Error(
        `deleting ${dn}: it is still a member of leash's groups (${names}); remove those memberships first`,
      );
    }
  }

  private async applyGroup(change: Change): Promise<void> {
    const dn = this.groupDn(change.id);
    if (change.op === 'create') {
      try {
        await this.client.add(dn, {
          objectClass: ['top', 'groupOfNames'],
          cn: [change.id],
          // groupOfNames must have a member: the group's own DN holds the place, never an agent.
          member: [dn],
          [MARKER_ATTRIBUTE]: [MARKER_VALUE],
          description: [
            `Entitlement ${change.id}, managed by leash: its members are the agents granted it (the group's own DN is a placeholder member)`,
          ],
        });
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw ldapError(error, `adding ${dn}`);
        const existing = await this.lookup(dn, [MARKER_ATTRIBUTE]);
        if (!existing || !isMarked(existing)) {
          throw new Error(
            `adding ${dn}: a group with that name already exists and leash did not create it (it lacks ${MARKER_ATTRIBUTE}: ${MARKER_VALUE}); leash leaves it alone, so rename or remove it, or map the permission to another entitlement`,
            { cause: error },
          );
        }
      }
      return;
    }
    if (change.op === 'update') throw new Error(`${this.target}: a group has nothing to update (${dn})`);
    const existing = await this.lookup(dn, [MARKER_ATTRIBUTE, 'member']);
    if (!existing) return;
    if (!isMarked(existing))
      throw new Error(`deleting ${dn}: leash did not create it, so it leaves it alone`);
    const self = normalizeDn(dn);
    const others = values(existing, 'member').filter((m) => {
      try {
        return normalizeDn(m) !== self;
      } catch {
        return true;
      }
    });
    if (others.length > 0) {
      throw new Error(
        `deleting ${dn}: it still has members besides its placeholder (${others.join('; ')}); leash does not remove members it did not add, so it keeps the group until they are gone`,
      );
    }
    try {
      await this.client.del(dn, isLeash());
    } catch (error) {
      if (error instanceof NoSuchObjectError) return;
      throw this.writeError(error, `deleting ${dn}`);
    }
  }

  private async applyMembership(change: Change): Promise<void> {
    const entitlement = change.parent?.startsWith('group/')
      ? change.parent.slice('group/'.length)
      : undefined;
    if (entitlement === undefined || change.agent === undefined) {
      throw new Error(`${this.target}: membership ${change.id} names no group or agent`);
    }
    const group = this.groupDn(entitlement);
    const member = this.entryDn(change.agent);
    if (change.op === 'update')
      throw new Error(`${this.target}: a membership has nothing to update (${change.id})`);
    const modification = new Attribute({ type: 'member', values: [member] });
    try {
      await this.client.modify(
        group,
        new LdapChange({ operation: change.op === 'create' ? 'add' : 'delete', modification }),
        isLeash(),
      );
    } catch (error) {
      // The directory already holds what was asked (an earlier attempt whose answer was lost).
      if (change.op === 'create' && error instanceof TypeOrValueExistsError) return;
      if (
        change.op === 'delete' &&
        (error instanceof NoSuchAttributeError || error instanceof NoSuchObjectError)
      )
        return;
      const what =
        change.op === 'create' ? `adding ${member} to ${group}` : `removing ${member} from ${group}`;
      throw this.writeError(error, what);
    }
  }

  private writeError(error: unknown, what: string): Error {
    if (resultCode(error) === ASSERTION_FAILED) {
      return new Error(
        `${what}: leash did not create it (it lacks ${MARKER_ATTRIBUTE}: ${MARKER_VALUE}), so it leaves it alone`,
        {
          cause: error,
        },
      );
    }
    return ldapError(error, what);
  }

  /** One entry by DN, or undefined when there is none. */
  private async lookup(dn: string, attributes: string[]): Promise<Entry | undefined> {
    try {
      const { searchEntries } = await this.client.search(dn, { scope: 'base', attributes });
      return searchEntries[0];
    } catch (error) {
      if (error instanceof NoSuchObjectError) return undefined;
      throw ldapError(error, `reading ${dn}`);
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.unbind();
    } catch {
      // The connection is going away either way.
    }
  }
}

/** An attribute's values as strings, whatever case the server spelled its name in. */
function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

function isMarked(entry: Entry): boolean {
  return values(entry, MARKER_ATTRIBUTE).some((v) => v.toLowerCase() === MARKER_VALUE);
}
