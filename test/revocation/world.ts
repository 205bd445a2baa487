/**
 * The world the revocation tests run in: real PostgreSQL, OpenLDAP and SCIM servers on
 * loopback, a policy repository whose four targets (local, pg, dir, saas) enforce four systems,
 * the `leash` CLI run in-process with the targets' secrets in its environment, and probes that
 * ask each target itself, in its own terms, whether an agent's access is there: PostgreSQL as
 * the agent's role, slapd's entries and groups (and a bind as the agent), the SCIM server's
 * Users and Groups, the local store through `leash authorize`. Nothing here trusts leash's own
 * read of a target. Plain TypeScript, no test framework: failures are thrown errors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { Attribute, Change, Client as LdapClient, InvalidCredentialsError } from 'ldapts';
import { runCli } from '../../src/cli/main.js';
import type { LdapServer } from '../helpers/servers/ldap.js';
import { startLdap } from '../helpers/servers/ldap.js';
import type { PostgresServer } from '../helpers/servers/postgres.js';
import { startPostgres, withClient } from '../helpers/servers/postgres.js';
import type { ScimServer } from '../helpers/servers/scim.js';
import { startScimServer } from '../helpers/servers/scim.js';

/** The moment every run judges expiries and approvals against. */
export const NOW = '2026-11-22T10:00:00Z';

/** The target names in leash.yaml, sorted. */
export const TARGETS = ['dir', 'local', 'pg', 'saas'] as const;
export type TargetName = (typeof TARGETS)[number];

/** PostgreSQL's SQLSTATE for a privilege the role does not hold. */
export const INSUFFICIENT_PRIVILEGE = '42501';

/** What `leash` printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One change a sync reported, flattened. */
export interface SyncedChange {
  target: string;
  op: 'create' | 'update' | 'delete';
  type: string;
  id: string;
  agent?: string;
  status: string;
}

/** The parts of `leash sync --format json` the tests read. */
export interface SyncReport {
  targets: {
    name: string;
    status: string;
    message?: string;
    results: {
      change: { op: SyncedChange['op']; type: string; id: string; agent?: string };
      status: string;
    }[];
  }[];
  held: unknown[];
  killed?: { agent: string; by: string; reason: string }[];
}

/** `leash` bound to a repository: where it runs from and the policy folder within it. */
export interface PolicyCli {
  /** Runs `leash argv` from the repository's root. */
  run(argv: string[]): Promise<CliResult>;
  /**
   * `leash sync <dir> --format json`; throws unless it exits 0 with every change applied.
   * Returns the report and its changes.
   */
  sync(): Promise<{ report: SyncReport; changes: SyncedChange[]; stderr: string }>;
  /**
   * `leash authorize` against the local store the last sync wrote, for `what` =
   * `system/resource/action`; throws unless the exit code matches the decision.
   */
  authorize(agent: string, what: string): Promise<'allow' | 'deny'>;
}

/** The policy repository's files beside the agents: .gitignore, leash.yaml, a tier, the systems. */
export interface WorldFilesOptions {
  /** Replaces targets in leash.yaml (their whole YAML block, indented by four spaces). */
  targets?: Partial<Record<TargetName, string>>;
}

export class World {
  private constructor(
    readonly pg: PostgresServer,
    readonly ldap: LdapServer,
    readonly scim: ScimServer,
    /** slapd's administrator, for what an agent platform or a person does out of band. */
    readonly ldapAdmin: LdapClient,
  ) {}

  /** Starts the three servers (in parallel). */
  static async start(): Promise<World> {
    const [pgServer, ldap, scim] = await Promise.all([startPostgres(), startLdap(), startScimServer()]);
    return new World(pgServer, ldap, scim, await ldap.adminClient());
  }

  async stop(): Promise<void> {
    await this.ldapAdmin.unbind().catch(() => undefined);
    await Promise.all([this.pg.stop(), this.ldap.stop(), this.scim.stop()]);
  }

  /** The targets' secrets, as leash.yaml names them. */
  get env(): Record<string, string> {
    return { PG_PASSWORD: this.pg.password, LDAP_PASSWORD: this.ldap.password, SCIM_TOKEN: this.scim.token };
  }

  /** The YAML block of each target, pointing at this world's servers. */
  targetBlocks(): Record<TargetName, string> {
    const { pg: p, ldap, scim } = this;
    return {
      local: '    local: { type: local, path: .leash/state }\n',
      pg: `    pg:
      type: postgres
      host: ${p.host}
      port: ${p.port}
      database: ${p.database}
      user: ${p.user}
      passwordEnv: PG_PASSWORD
`,
      dir: `    dir:
      type: ldap
      url: ${ldap.url}
      bindDn: '${ldap.bindDn}'
      passwordEnv: LDAP_PASSWORD
      agentsDn: '${ldap.agentsDn}'
      groupsDn: '${ldap.groupsDn}'
`,
      saas: `    saas: { type: scim, url: '${scim.url}', tokenEnv: SCIM_TOKEN }\n`,
    };
  }

  /** leash.yaml: approval rules with a removal-only path, the four targets, guardrails. */
  config(options: WorldFilesOptions = {}): string {
    const blocks = { ...this.targetBlocks(), ...options.targets };
    return `apiVersion: leash/v1
kind: Config
metadata: { name: revocation-e2e }
spec:
  environments:
    production: { production: true }
  github: { org: acme }
  approverGroups:
    security: { users: [sec-sam] }
    cx-leads: { users: [lead-lee] }
  approvals:
    rules:
      - name: customer-data
        description: New reach into personal data needs a CX lead.
        when: { dataClasses: [pii] }
        require: [{ group: cx-leads, count: 1 }]
      - name: refunds
        description: New access to the refunds application needs security and the owning team.
        when: { systems: [directory] }
        require: [{ group: security, count: 1 }, { ownerTeam: true, count: 1 }]
      - name: default
        description: Every other change needs the owning team.
        require: [{ ownerTeam: true, count: 1 }]
    removalOnly:
      require: [{ ownerTeam: true, count: 1 }]
  targets:
${TARGETS.map((t) => blocks[t]).join('')}  # A revocation must get through guardrails a real repository keeps (a revert removes at
  # most half of the memberships in the directory).
  guardrails: { maxRemovalPercent: 60, allowEmptyTarget: false }
`;
  }

  /** Everything but the agents: .gitignore (the local store is state, not policy), leash.yaml, tier, systems. */
  files(options: WorldFilesOptions = {}): Record<string, string> {
    return { '.gitignore': '.leash/\n', 'leash.yaml': this.config(options), ...SYSTEM_FILES };
  }

  /** `leash` bound to a repository at `cwd` with its policy folder `dir` (relative to cwd). */
  cli(cwd: string, dir: string): PolicyCli {
    const run = async (argv: string[]): Promise<CliResult> => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        cwd,
        env: this.env,
        isTty: false,
      });
      return { code, stdout, stderr };
    };
    return {
      run,
      async sync() {
        const r = await run(['sync', dir, '--now', NOW, '--format', 'json']);
        if (r.code !== 0) throw new Error(`leash sync exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
        const report = JSON.parse(r.stdout) as SyncReport;
        const changes = report.targets.flatMap((t) =>
          t.results.map((x) => ({ target: t.name, ...x.change, status: x.status })),
        );
        const failed = changes.filter((c) => c.status !== 'applied');
        if (failed.length > 0) throw new Error(`leash sync: changes not applied: ${JSON.stringify(failed)}`);
        return { report, changes, stderr: r.stderr };
      },
      async authorize(agent, what) {
        const [system, resource, action] = what.split('/');
        if (!system || !resource || !action) throw new Error(`${what} is not system/resource/action`);
        const r = await run([
          'authorize',
          '-C',
          dir,
          '--agent',
          agent,
          '--system',
          system,
          '--resource',
          resource,
          '--action',
          action,
          '--at',
          NOW,
          '--format',
          'json',
        ]);
        const decision = (JSON.parse(r.stdout) as { decision: 'allow' | 'deny' }).decision;
        if (r.stderr !== '' || r.code !== (decision === 'allow' ? 0 : 1)) {
          throw new Error(`leash authorize ${agent} ${what}: exit ${r.code} for ${decision}; ${r.stderr}`);
        }
        return decision;
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // PostgreSQL, asked as its superuser

  private asAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const { host, port, database, admin } = this.pg;
    return withClient({ host, port, database, ...admin }, fn);
  }

  /**
   * Runs `sql` as `role` (a superuser session that `SET ROLE`s to it, so PostgreSQL checks
   * exactly that role's privileges): the rows, or the SQLSTATE of the error.
   */
  selectAs(role: string, sql: string): Promise<unknown[] | { error: string }> {
    return this.asAdmin(async (client) => {
      await client.query(`SET ROLE ${role}`);
      try {
        return (await client.query(sql)).rows;
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    });
  }

  /** pg_roles.rolcanlogin of `role`; undefined when there is no such role. */
  canLogIn(role: string): Promise<boolean | undefined> {
    return this.asAdmin(async (client) => {
      const r = await client.query<{ rolcanlogin: boolean }>(
        'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1',
        [role],
      );
      return r.rows[0]?.rolcanlogin;
    });
  }

  /** Every table and column privilege `role` holds, as `table(column) PRIVILEGE`, sorted. */
  async privilegesOf(role: string): Promise<string[]> {
    const rows = await this.asAdmin(
      async (client) =>
        (
          await client.query<{ relname: string; attname: string | null; privilege_type: string }>(
            `SELECT c.relname, NULL AS attname, a.privilege_type
             FROM pg_class c, aclexplode(c.relacl) a WHERE pg_get_userbyid(a.grantee) = $1
             UNION ALL
             SELECT c.relname, att.attname, a.privilege_type
             FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, aclexplode(att.attacl) a
             WHERE pg_get_userbyid(a.grantee) = $1`,
            [role],
          )
        ).rows,
    );
    return rows.map((r) => `${r.relname}${r.attname ? `(${r.attname})` : ''} ${r.privilege_type}`).sort();
  }

  // -------------------------------------------------------------------------------------------
  // The directory, asked as its administrator

  /** The agents in an LDAP group, by its `member` values; null when the group does not exist. */
  async ldapMembers(group: string): Promise<string[] | null> {
    const { searchEntries } = await this.ldapAdmin.search(this.ldap.groupsDn, {
      scope: 'one',
      filter: `(cn=${group})`,
      attributes: ['member'],
    });
    if (searchEntries.length === 0) return null;
    return this.agentsIn(searchEntries[0]!.member);
  }

  /** The groups (by cn, sorted) that list `name`'s entry as a member. */
  async ldapGroupsOf(name: string): Promise<string[]> {
    const { searchEntries } = await this.ldapAdmin.search(this.ldap.groupsDn, {
      scope: 'one',
      filter: `(member=uid=${name},${this.ldap.agentsDn})`,
      attributes: ['cn'],
    });
    return searchEntries.map((e) => String(e.cn)).sort();
  }

  async ldapHasEntry(name: string): Promise<boolean> {
    const { searchEntries } = await this.ldapAdmin.search(this.ldap.agentsDn, {
      scope: 'one',
      filter: `(uid=${name})`,
      attributes: ['1.1'],
    });
    return searchEntries.length > 0;
  }

  /**
   * Whether the agent can bind to the directory with its own entry: the password is set as the
   * agent platform would (leash never sets one), then the agent binds.
   */
  async ldapCanBind(name: string): Promise<boolean> {
    const dn = `uid=${name},${this.ldap.agentsDn}`;
    const password = `pw-${name}`;
    await this.ldapAdmin.modify(
      dn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'userPassword', values: [password] }),
      }),
    );
    const client = new LdapClient({ url: this.ldap.url, timeout: 5_000 });
    try {
      await client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      throw error;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private agentsIn(raw: unknown): string[] {
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v).toLowerCase());
    const suffix = `,${this.ldap.agentsDn}`.toLowerCase();
    return values
      .filter((v) => v.startsWith('uid=') && v.endsWith(suffix))
      .map((v) => v.slice('uid='.length, -suffix.length))
      .sort();
  }

  // -------------------------------------------------------------------------------------------
  // The SCIM service provider, asked over its API

  async scimGet(path: string): Promise<{ Resources?: Record<string, unknown>[] }> {
    const response = await fetch(`${this.scim.url}${path}`, {
      headers: { authorization: `Bearer ${this.scim.token}`, accept: 'application/scim+json' },
    });
    if (response.status !== 200) throw new Error(`SCIM GET ${path} answered ${response.status}`);
    return (await response.json()) as { Resources?: Record<string, unknown>[] };
  }

  /** The userNames of a SCIM Group's members (GET /Groups, GET /Users); null when it does not exist. */
  async scimMembers(group: string): Promise<string[] | null> {
    return (await this.scimGroups())[group] ?? null;
  }

  /** The Groups (by displayName, sorted) that hold `name`'s User. */
  async scimGroupsOf(name: string): Promise<string[]> {
    return Object.entries(await this.scimGroups())
      .filter(([, members]) => members.includes(name))
      .map(([group]) => group)
      .sort();
  }

  async scimUser(name: string): Promise<Record<string, unknown> | undefined> {
    const users = await this.scimGet('/Users?count=1000');
    return (users.Resources ?? []).find((u) => u.userName === name);
  }

  /** Every Group by displayName, with its members' userNames (sorted). */
  private async scimGroups(): Promise<Record<string, string[]>> {
    const [groups, users] = await Promise.all([
      this.scimGet('/Groups?count=1000'),
      this.scimGet('/Users?count=1000'),
    ]);
    const names = new Map((users.Resources ?? []).map((u) => [u.id, u.userName]));
    return Object.fromEntries(
      (groups.Resources ?? []).map((g) => [
        String(g.displayName),
        ((g.members as { value: string }[] | undefined) ?? [])
          .map((m) => String(names.get(m.value) ?? `unknown:${m.value}`))
          .sort(),
      ]),
    );
  }

  // -------------------------------------------------------------------------------------------

  /**
   * What every target holds, read from the targets themselves in leash-independent terms: the
   * agents' roles and their table and column privileges, the directory's agent entries and group
   * members, the SCIM Users and Groups with their members, and the local store's files.
   */
  async snapshotTargets(localStateDir: string): Promise<unknown> {
    const postgres = await this.asAdmin(async (client) => {
      const roles = await client.query(
        `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'agent\\_%' ORDER BY 1`,
      );
      const grants = await client.query(
        `SELECT pg_get_userbyid(a.grantee) AS grantee, c.relname, NULL AS attname, a.privilege_type
         FROM pg_class c, aclexplode(c.relacl) a WHERE pg_get_userbyid(a.grantee) LIKE 'agent\\_%'
         UNION ALL
         SELECT pg_get_userbyid(a.grantee), c.relname, att.attname, a.privilege_type
         FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid, aclexplode(att.attacl) a
         WHERE pg_get_userbyid(a.grantee) LIKE 'agent\\_%'
         ORDER BY 1, 2, 3, 4`,
      );
      return { roles: roles.rows, grants: grants.rows };
    });
    const entries = await this.ldapAdmin.search(this.ldap.agentsDn, { scope: 'one', attributes: ['uid'] });
    const groups = await this.ldapAdmin.search(this.ldap.groupsDn, {
      scope: 'one',
      attributes: ['cn', 'member'],
    });
    const directory = {
      agents: entries.searchEntries.map((e) => String(e.uid)).sort(),
      groups: Object.fromEntries(
        groups.searchEntries
          .map((g) => [String(g.cn), this.agentsIn(g.member)] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    };
    const users = await this.scimGet('/Users?count=1000');
    const saas = {
      users: (users.Resources ?? []).map((u) => `${String(u.userName)} active=${String(u.active)}`).sort(),
      groups: Object.fromEntries(
        Object.entries(await this.scimGroups()).sort(([a], [b]) => a.localeCompare(b)),
      ),
    };
    return { postgres, directory, saas, local: readTree(localStateDir) };
  }
}

/** An Agent document; `status` is written out when given (else the schema's default, active). */
export function agentDoc(name: string, grants: readonly string[], options: { status?: string } = {}): string {
  return `apiVersion: leash/v1
kind: Agent
metadata: { name: ${name} }
spec:
  owner: cx-platform
  platform: internal
  environment: production
  tier: standard
${options.status ? `  status: ${options.status}\n` : ''}  identity: { kind: api-key, credentialRef: 'vault://agents/${name}' }
  grants:
${grants.map((g) => `    - ${g}`).join('\n')}
`;
}

/** The role leash gives an agent in PostgreSQL (the default prefix). */
export function roleOf(agent: string): string {
  return `agent_${agent.replace(/-/g, '_')}`;
}

/**
 * The tier and the four systems, one per target: support-db (pg: customers with personal-data
 * fields, orders, tickets with camelCase columns), directory (dir: an app's users and approvers,
 * a wiki's readers and editors), helpdesk (saas: ticket viewers and agents, macro readers and
 * editors) and kb (local only).
 */
const SYSTEM_FILES: Record<string, string> = {
  'tiers/standard.yaml': `apiVersion: leash/v1
kind: RiskTier
metadata: { name: standard }
spec: { maxMode: execute-limited, maxRisk: high }
`,
  'systems/support-db.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: support-db }
spec:
  owner: cx-platform
  target: pg
  resources:
    customers:
      enforce: { object: public.customers }
      fields: { name: {}, email: { dataClasses: [pii] }, phone: { dataClasses: [pii] } }
      actions:
        read: { risk: low, effect: read }
    orders:
      enforce: { object: public.orders }
      actions:
        read: { risk: low, effect: read }
        update: { risk: medium, enforce: { permissions: [UPDATE] } }
    tickets:
      enforce: { object: public.tickets, columns: { email: customerEmail, opened: openedAt } }
      fields: { email: { dataClasses: [pii] }, opened: {}, body: {} }
      actions:
        read: { risk: low, effect: read }
`,
  'systems/directory.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: directory }
spec:
  owner: cx-platform
  target: dir
  resources:
    refunds-app:
      actions:
        use: { risk: low, effect: read, enforce: { permissions: [refunds-users] } }
        approve: { risk: medium, enforce: { permissions: [refunds-approvers] } }
    wiki:
      actions:
        read: { risk: low, effect: read, enforce: { permissions: [wiki-readers] } }
        edit: { risk: low, enforce: { permissions: [wiki-editors] } }
`,
  'systems/helpdesk.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: helpdesk }
spec:
  owner: cx-platform
  target: saas
  resources:
    ticket:
      actions:
        read: { risk: low, effect: read, enforce: { permissions: [helpdesk.viewer] } }
        reply: { risk: medium, enforce: { permissions: [helpdesk.agent] } }
    macros:
      actions:
        read: { risk: low, effect: read, enforce: { permissions: [macros.viewer] } }
        edit: { risk: low, enforce: { permissions: [macros.editor] } }
`,
  'systems/kb.yaml': `apiVersion: leash/v1
kind: System
metadata: { name: kb }
spec:
  owner: cx-platform
  target: local
  resources:
    article:
      actions:
        read: { risk: low, effect: read }
        publish: { risk: medium }
`,
};

/** Every file under `dir` (path -> text), sorted by path. */
function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, readTree(path, `${prefix}${entry.name}/`));
    else out[`${prefix}${entry.name}`] = readFileSync(path, 'utf8');
  }
  return out;
}
