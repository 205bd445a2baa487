/**
 * Names in the postgres target: agent roles, the leash marker on them, table references and
 * the ids of the objects leash manages. Pure.
 */
import { createHash } from 'node:crypto';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes; longer names are silently truncated. */
export const MAX_IDENTIFIER_BYTES = 63;

export const DEFAULT_ROLE_PREFIX = 'agent_';

/** The table privileges leash grants, in PostgreSQL's spelling. */
export const TABLE_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
] as const;
export type TablePrivilege = (typeof TABLE_PRIVILEGES)[number];

/** The privileges PostgreSQL can grant on single columns; the others are table-wide. */
export const COLUMN_PRIVILEGES: ReadonlySet<TablePrivilege> = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'REFERENCES',
]);

/** A privilege as written in a System's enforce.permissions (any case), or undefined if it is none. */
export function parsePrivilege(text: string): TablePrivilege | undefined {
  const upper = text.toUpperCase();
  return (TABLE_PRIVILEGES as readonly string[]).includes(upper) ? (upper as TablePrivilege) : undefined;
}

/**
 * The role of an agent: the prefix and the agent's name with '-' made '_' (so it needs no
 * quoting). A name past 63 bytes is cut and ends with a hash of the agent's name instead, so it
 * stays unique and is the same on every run.
 */
export function roleName(prefix: string, agent: string): string {
  const full = `${prefix}${agent.replace(/-/g, '_')}`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(agent).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_IDENTIFIER_BYTES - hash.length - 1)}_${hash}`;
}

/** Every role name leash can give: lowercase letters, digits and '_' (the prefix's and the agents' alphabet). */
const LEASH_ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isLeashRoleName(name: string): boolean {
  return LEASH_ROLE_NAME.test(name);
}

const MARKER = /^leash-managed agent=([a-z][a-z0-9]*(?:-[a-z0-9]+)*) database=(.+)$/s;

/**
 * The comment leash puts on each role it creates, in the transaction that creates it. It names
 * the database because roles are cluster-wide: leash syncing another database of the same
 * server does not take this target's roles for its own.
 */
export function roleMarker(agent: string, database: string): string {
  return `leash-managed agent=${agent} database=${database}`;
}

export function parseRoleMarker(comment: string): { agent: string; database: string } | undefined {
  const match = MARKER.exec(comment);
  return match?.[1] && match[2] ? { agent: match[1], database: match[2] } : undefined;
}

/** A table as leash names it: `schema.table`, each part taken exactly as written (case-sensitive). */
export interface TableRef {
  schema: string;
  table: string;
}

/**
 * Parses `schema.table` (or `table`, in schema public). Parts are exact names; a part holding a
 * '.' or a '"' is written in double quotes, with '"' doubled, as in SQL. Throws with the reason.
 */
export function parseTableRef(text: string): TableRef {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quoted name in "${text}"`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        }
        part += text[i];
        i++;
      }
      i++;
    } else {
      while (i < text.length && text[i] !== '.' && text[i] !== '"') part += text[i++];
    }
    if (part === '') throw new Error(`"${text}" has an empty name; expected schema.table`);
    parts.push(part);
    if (i >= text.length) break;
    if (text[i] !== '.')
      throw new Error(`unexpected '${text[i]}' in "${text}"; quote a name holding '"' or '.'`);
    i++;
  }
  if (parts.length > 2) {
    throw new Error(
      `"${text}" has ${parts.length} dotted parts; expected schema.table (quote a name holding '.')`,
    );
  }
  const [schema, table] = parts.length === 2 ? parts : ['public', parts[0]];
  for (const name of [schema, table]) checkIdentifier(name ?? '', `in "${text}"`);
  return { schema: schema ?? 'public', table: table ?? '' };
}

/** The canonical text of a table: the form ids use, and that parseTableRef reads back. */
export function formatTableRef(ref: TableRef): string {
  return `${quotePart(ref.schema)}.${quotePart(ref.table)}`;
}

function quotePart(name: string): string {
  return /^[^."]+$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Throws unless `name` is an identifier PostgreSQL keeps as it is. */
export function checkIdentifier(name: string, where: string): void {
  if (name.includes('\0')) throw new Error(`a name ${where} holds a NUL character`);
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new Error(
      `"${name}" ${where} is longer than ${MAX_IDENTIFIER_BYTES} bytes, PostgreSQL's limit for a name`,
    );
  }
}

/**
 * The id of a role object. It is the agent's name: desired() does not see the target's
 * settings, so it cannot know the role prefix; the connection turns ids into role names. A
 * leash role named under another prefix (rolePrefix was changed) reads back as
 * `<agent>@<role>`, which nothing desires, so the next sync removes it.
 */
export function roleId(agent: string, role?: string): string {
  return role === undefined ? agent : `${agent}@${role}`;
}

/** The id of a privilege object: `<role id>|<schema.table>|<PRIVILEGE>`. */
export function privilegeId(role: string, table: TableRef, privilege: string): string {
  return `${role}|${formatTableRef(table)}|${privilege}`;
}

/** The parts of a role id: the agent, and the role when the id names one. */
export function parseRoleId(id: string): { agent: string; role?: string } {
  const at = id.indexOf('@');
  return at < 0 ? { agent: id } : { agent: id.slice(0, at), role: id.slice(at + 1) };
}

/** The parts of a privilege id; throws when it is not one. */
export function parsePrivilegeId(id: string): { roleId: string; table: TableRef; privilege: TablePrivilege } {
  const first = id.indexOf('|');
  const last = id.lastIndexOf('|');
  const privilege = parsePrivilege(id.slice(last + 1));
  if (first < 0 || first === last || privilege === undefined || id.slice(last + 1) !== privilege) {
    throw new Error(`"${id}" is not a privilege id (<role>|<schema.table>|<PRIVILEGE>)`);
  }
  return { roleId: id.slice(0, first), table: parseTableRef(id.slice(first + 1, last)), privilege };
}
