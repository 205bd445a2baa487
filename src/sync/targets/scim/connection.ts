/**
 * Reading and changing leash's Users and Groups in a SCIM service provider. Only resources whose
 * externalId carries leash's marker are leash's; every other user, group and member is left alone.
 * Server ids stay inside this connection: the objects leash compares are named by agent and
 * entitlement, so what is applied reads back equal to what was desired.
 */
import type { Change, ManagedObject, TargetConnection } from '../../types.js';
import type { ScimClient, ScimResource } from './client.js';
import { SCHEMA_GROUP, SCHEMA_PATCH, SCHEMA_USER, ScimNetworkError, ScimRequestError } from './client.js';
import {
  AGENT_MARKER,
  ENTITLEMENT_MARKER,
  groupObject,
  membershipId,
  membershipObject,
  userObject,
} from './objects.js';

/** What the last read found, by leash name: the server ids apply needs. */
interface ServerIndex {
  /** agent name -> SCIM user id */
  users: Map<string, string>;
  /** entitlement -> SCIM group id */
  groups: Map<string, string>;
  /**
   * Set when the index came from readAgent: it holds only that agent's user and the groups it
   * is a member of, so it serves only changes that need no more (see `serves`).
   */
  agent?: string;
}

export class ScimConnection implements TargetConnection {
  private index: ServerIndex | undefined;

  constructor(private readonly client: ScimClient) {}

  async read(signal?: AbortSignal): Promise<ManagedObject[]> {
    // Servers that ignore filters send everything: the marker is checked here again either way.
    const users = await this.client.listAll('/Users', `externalId sw "${AGENT_MARKER}"`, signal);
    const groups = await this.client.listAll('/Groups', `externalId sw "${ENTITLEMENT_MARKER}"`, signal);
    const index: ServerIndex = { users: new Map(), groups: new Map() };
    const agentOf = new Map<string, string>();
    const objects: ManagedObject[] = [];

    for (const user of users) {
      const agent = marked(user, AGENT_MARKER);
      if (agent === undefined) continue;
      const other = index.users.get(agent);
      if (other !== undefined) {
        throw new Error(
          `SCIM users ${other} and ${user.id} both carry the leash marker ${AGENT_MARKER}${agent}; remove one of them by hand`,
        );
      }
      index.users.set(agent, user.id);
      agentOf.set(user.id, agent);
      objects.push(
        userObject(agent, { userName: String(user.userName ?? ''), active: user.active !== false }),
      );
    }

    for (const group of groups) {
      const entitlement = marked(group, ENTITLEMENT_MARKER);
      if (entitlement === undefined) continue;
      const other = index.groups.get(entitlement);
      if (other !== undefined) {
        throw new Error(
          `SCIM groups ${other} and ${group.id} both carry the leash marker ${ENTITLEMENT_MARKER}${entitlement}; remove one of them by hand`,
        );
      }
      index.groups.set(entitlement, group.id);
      objects.push(groupObject(entitlement, String(group.displayName ?? '')));
      const members = new Set<string>();
      for (const member of group.members ?? []) {
        // A member that is not one of leash's users (a person, a nested group) is not leash's.
        const agent = member.value === undefined ? undefined : agentOf.get(member.value);
        if (agent === undefined || (member.type !== undefined && member.type !== 'User')) continue;
        if (members.has(agent)) continue;
        members.add(agent);
        objects.push(membershipObject(entitlement, agent));
      }
    }
    this.index = index;
    return objects;
  }

  /**
   * One agent's user and memberships, as read() would find them: its user by externalId, then
   * the groups listing that user as a member (RFC 7644 filter `members[value eq "<id>"]`),
   * checked here again for leash's markers and the member. A server that cannot filter on
   * members gets leash's groups listed instead, still without reading every user.
   */
  async readAgent(agent: string, signal?: AbortSignal): Promise<ManagedObject[]> {
    const index: ServerIndex = { users: new Map(), groups: new Map(), agent };
    const users = (
      await this.client.listAll('/Users', `externalId eq ${filterValue(`${AGENT_MARKER}${agent}`)}`, signal)
    ).filter((user) => marked(user, AGENT_MARKER) === agent);
    if (users.length > 1) {
      throw new Error(
        `SCIM users ${users[0]!.id} and ${users[1]!.id} both carry the leash marker ${AGENT_MARKER}${agent}; remove one of them by hand`,
      );
    }
    const user = users[0];
    const objects: ManagedObject[] = [];
    if (user) {
      index.users.set(agent, user.id);
      objects.push(
        userObject(agent, { userName: String(user.userName ?? ''), active: user.active !== false }),
      );
      for (const group of await this.groupsOf(user.id, signal)) {
        const entitlement = marked(group, ENTITLEMENT_MARKER);
        if (entitlement === undefined) continue;
        const member = (group.members ?? []).some(
          (m) => m.value === user.id && (m.type === undefined || m.type === 'User'),
        );
        if (!member) continue;
        const other = index.groups.get(entitlement);
        if (other !== undefined) {
          throw new Error(
            `SCIM groups ${other} and ${group.id} both carry the leash marker ${ENTITLEMENT_MARKER}${entitlement}; remove one of them by hand`,
          );
        }
        index.groups.set(entitlement, group.id);
        objects.push(membershipObject(entitlement, agent));
      }
    }
    this.index = index;
    return objects;
  }

  /** The groups listing `userId` as a member; leash's groups whole when the server cannot filter on members. */
  private async groupsOf(userId: string, signal?: AbortSignal): Promise<ScimResource[]> {
    try {
      return await this.client.listAll('/Groups', `members[value eq ${filterValue(userId)}]`, signal);
    } catch (error) {
      // 400 (invalidFilter, or no scimType at all) or 501: the listing below is complete anyway.
      const unsupported = error instanceof ScimRequestError && (error.status === 400 || error.status === 501);
      if (!unsupported) throw error;
      return this.client.listAll('/Groups', `externalId sw "${ENTITLEMENT_MARKER}"`, signal);
    }
  }

  async apply(change: Change, signal?: AbortSignal): Promise<void> {
    try {
      switch (change.type) {
        case 'user':
          return await this.applyUser(change, signal);
        case 'group':
          return await this.applyGroup(change, signal);
        case 'membership':
          return await this.applyMembership(change, signal);
        default:
          throw new Error(`the scim target has no object type ${change.type}`);
      }
    } catch (error) {
      // The request may have landed: the next attempt must look before it creates again.
      if (error instanceof ScimNetworkError) this.index = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.index = undefined;
  }

  private async applyUser(change: Change, signal?: AbortSignal): Promise<void> {
    const agent = change.id;
    const index = await this.loadIndex(change, signal);
    const id = index.users.get(agent);
    if (change.op === 'delete') {
      if (id === undefined) return;
      await this.ignoreNotFound(
        this.client.request('DELETE', `/Users/${encodeURIComponent(id)}`, { signal }),
      );
      index.users.delete(agent);
      return;
    }
    const after = change.after ?? {};
    if (change.op === 'create') {
      // Already there: an earlier attempt's POST landed before its answer was lost.
      if (id !== undefined) return;
      const created = await this.client.request('POST', '/Users', {
        signal,
        body: {
          schemas: [SCHEMA_USER],
          userName: after.userName,
          externalId: `${AGENT_MARKER}${agent}`,
          active: after.active,
        },
      });
      index.users.set(agent, createdId(created, `user ${agent}`));
      return;
    }
    if (id === undefined) throw new Error(`user ${agent} is not in the SCIM service provider any more`);
    const operations = (['userName', 'active'] as const)
      .filter((key) => after[key] !== undefined && after[key] !== change.before?.[key])
      .map((key) => ({ op: 'replace', path: key, value: after[key] }));
    if (operations.length === 0) return;
    await this.client.request('PATCH', `/Users/${encodeURIComponent(id)}`, {
      signal,
      body: { schemas: [SCHEMA_PATCH], Operations: operations },
    });
  }

  private async applyGroup(change: Change, signal?: AbortSignal): Promise<void> {
    const entitlement = change.id;
    const index = await this.loadIndex(change, signal);
    const id = index.groups.get(entitlement);
    if (change.op === 'delete') {
      if (id === undefined) return;
      const path = `/Groups/${encodeURIComponent(id)}`;
      const group = await this.ignoreNotFound(this.client.request('GET', path, { signal }));
      if (group === undefined) {
        index.groups.delete(entitlement);
        return;
      }
      const leashUsers = new Set(index.users.values());
      const foreign = ((group as ScimResource).members ?? [])
        .map((m) => m.value)
        .filter((value) => value !== undefined && !leashUsers.has(value));
      if (foreign.length > 0) {
        // Deleting the group would take access from members leash never granted.
        throw new Error(
          `SCIM group ${entitlement} still has ${foreign.length} member(s) leash did not add (${foreign.slice(0, 5).join(', ')}); leash leaves the group in place: remove those members, or the group, by hand`,
        );
      }
      await this.ignoreNotFound(this.client.request('DELETE', path, { signal }));
      index.groups.delete(entitlement);
      return;
    }
    const displayName = change.after?.displayName;
    if (change.op === 'create') {
      if (id !== undefined) return;
      const created = await this.client.request('POST', '/Groups', {
        signal,
        body: {
          schemas: [SCHEMA_GROUP],
          displayName,
          externalId: `${ENTITLEMENT_MARKER}${entitlement}`,
          members: [],
        },
      });
      index.groups.set(entitlement, createdId(created, `group ${entitlement}`));
      return;
    }
    if (id === undefined)
      throw new Error(`group ${entitlement} is not in the SCIM service provider any more`);
    await this.client.request('PATCH', `/Groups/${encodeURIComponent(id)}`, {
      signal,
      body: {
        schemas: [SCHEMA_PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: displayName }],
      },
    });
  }

  private async applyMembership(change: Change, signal?: AbortSignal): Promise<void> {
    const { entitlement, agent } = membershipId(change);
    const index = await this.loadIndex(change, signal);
    const groupId = index.groups.get(entitlement);
    const userId = index.users.get(agent);
    const path = groupId === undefined ? '' : `/Groups/${encodeURIComponent(groupId)}`;
    if (change.op === 'delete') {
      // With the group or the user gone, so is the membership.
      if (groupId === undefined || userId === undefined) return;
      try {
        await this.client.request('PATCH', path, {
          signal,
          body: {
            schemas: [SCHEMA_PATCH],
            Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }],
          },
        });
      } catch (error) {
        // Some servers answer noTarget when the member is not there any more: that is done too.
        const gone =
          error instanceof ScimRequestError &&
          (error.status === 404 || (error.status === 400 && error.scimType === 'noTarget'));
        if (!gone) throw error;
      }
      return;
    }
    if (groupId === undefined) throw new Error(`group ${entitlement} is not in the SCIM service provider`);
    if (userId === undefined) throw new Error(`user ${agent} is not in the SCIM service provider`);
    // RFC 7644 3.5.2.1: adding a member that is already there changes nothing, so a retry is safe.
    await this.client.request('PATCH', path, {
      signal,
      body: {
        schemas: [SCHEMA_PATCH],
        Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
      },
    });
  }

  /**
   * The server ids: from the last read, or a fresh read when there was none (or it may be
   * stale). An index of one agent serves only changes it can answer; for those a fresh read is
   * of that agent alone, so a kill never reads the whole service provider.
   */
  private async loadIndex(change: Change, signal?: AbortSignal): Promise<ServerIndex> {
    const current = this.index;
    if (current !== undefined && (current.agent === undefined || serves(current.agent, change))) {
      return current;
    }
    const agent = change.agent;
    if (agent !== undefined && serves(agent, change)) await this.readAgent(agent, signal);
    else await this.read(signal);
    if (this.index === undefined) throw new Error('reading the SCIM service provider gave no index');
    return this.index;
  }

  /** A 404 means the resource is already gone: for a delete, that is done. */
  private async ignoreNotFound(request: Promise<unknown>): Promise<unknown> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof ScimRequestError && error.status === 404) return undefined;
      throw error;
    }
  }
}

/**
 * Whether an index of `agent` alone answers `change`: the agent's user (found or known absent),
 * and removing its memberships (a group it is not listed in holds no membership to remove).
 * Adding a membership needs the group's id whoever else is in it, so it needs a whole read.
 */
function serves(agent: string, change: Change): boolean {
  if (change.agent !== agent) return false;
  return change.type === 'user' || (change.type === 'membership' && change.op === 'delete');
}

/** A string in a SCIM filter: JSON's quoting (RFC 7644 3.4.2.2). */
function filterValue(text: string): string {
  return JSON.stringify(text);
}

/** The leash name in a resource's externalId, when it carries `marker`; else undefined. */
function marked(resource: ScimResource, marker: string): string | undefined {
  const externalId = resource.externalId;
  if (typeof externalId !== 'string' || !externalId.startsWith(marker)) return undefined;
  const name = externalId.slice(marker.length);
  return name === '' ? undefined : name;
}

function createdId(body: unknown, what: string): string {
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new Error(`the SCIM service provider created ${what} but did not answer with its id`);
  }
  return id;
}
