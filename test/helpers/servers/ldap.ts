/**
 * A real OpenLDAP server for tests and benchmarks: a slapd.conf and an mdb database in a temp
 * dir, loaded with slapadd, started in the foreground on 127.0.0.1 and a random free port, and
 * stopped by PID. The database holds the suffix, `ou=agents` and `ou=groups` (leash's
 * containers), `ou=people` (a container leash must never touch, with a user in it) and a
 * ppolicy default policy, so suspension (pwdEndTime) really stops binds. Leash binds as
 * `cn=leash`, an ordinary account with exactly the rights docs/targets/ldap.md asks for, not as
 * the rootdn. Plain TypeScript (no test framework), so the benchmark can reuse it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from 'ldapts';

/** A running server and the accounts on it. */
export interface LdapServer {
  url: string;
  /** The account leash binds as: write access to agentsDn and groupsDn only. */
  bindDn: string;
  password: string;
  /** The rootdn, for what an administrator or an agent platform does out of band. */
  admin: { dn: string; password: string };
  suffix: string;
  agentsDn: string;
  groupsDn: string;
  /** A container that is not leash's, holding `uid=alice`. */
  peopleDn: string;
  pid: number;
  /** A new client bound as the rootdn (the caller unbinds it). */
  adminClient(): Promise<Client>;
  /** Stops slapd by its PID and removes the temp dir. */
  stop(): Promise<void>;
}

export interface StartLdapOptions {
  /**
   * The most entries one search by leash's account may return, paged or not. Unset: OpenLDAP's
   * default of 500 per unpaged search, and no limit on paged searches (what the docs ask for).
   */
  sizeLimit?: number;
}

const SUFFIX = 'dc=leash,dc=test';
const MODULE_PATH = process.env.LDAP_MODULE_PATH ?? '/usr/lib/ldap';
const SCHEMA_DIR = process.env.LDAP_SCHEMA_DIR ?? '/etc/ldap/schema';

/** Starts a server; throws with a clear message when slapd is missing. */
export async function startLdap(options: StartLdapOptions = {}): Promise<LdapServer> {
  const slapd = findSlapd();
  for (const needed of [join(MODULE_PATH, 'back_mdb.la'), join(SCHEMA_DIR, 'inetorgperson.schema')]) {
    if (!existsSync(needed)) {
      throw new Error(`${needed} is missing: install OpenLDAP with \`apt-get install slapd ldap-utils\``);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'leash-ldap-'));
  try {
    const accounts = {
      admin: { dn: `cn=admin,${SUFFIX}`, password: `admin-${randomToken()}` },
      leash: { dn: `cn=leash,${SUFFIX}`, password: `leash-${randomToken()}` },
    };
    mkdirSync(join(dir, 'db'));
    const conf = join(dir, 'slapd.conf');
    writeFileSync(conf, slapdConf(dir, accounts, options));
    const ldif = join(dir, 'base.ldif');
    writeFileSync(ldif, baseLdif(accounts.leash));
    const load = spawnSync(slapd, ['-T', 'add', '-f', conf, '-l', ldif], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (load.error || load.status !== 0) {
      throw new Error(`slapadd failed: ${load.error?.message ?? `${load.stderr}${load.stdout}`.trim()}`);
    }
    let lastError: unknown;
    // A free port can be taken between finding it and slapd binding it: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const url = `ldap://127.0.0.1:${port}`;
      const child = spawn(slapd, ['-h', `${url}/`, '-f', conf, '-d', '0'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      try {
        await waitUntilAnswering(url, accounts.admin, child, () => stderr);
      } catch (error) {
        lastError = error;
        await stopChild(child);
        continue;
      }
      const pid = child.pid as number;
      const adminClient = async () => {
        const client = new Client({ url, timeout: 10_000 });
        await client.bind(accounts.admin.dn, accounts.admin.password);
        return client;
      };
      return {
        url,
        bindDn: accounts.leash.dn,
        password: accounts.leash.password,
        admin: accounts.admin,
        suffix: SUFFIX,
        agentsDn: `ou=agents,${SUFFIX}`,
        groupsDn: `ou=groups,${SUFFIX}`,
        peopleDn: `ou=people,${SUFFIX}`,
        pid,
        adminClient,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function slapdConf(
  dir: string,
  accounts: { admin: { dn: string; password: string }; leash: { dn: string } },
  options: StartLdapOptions,
): string {
  const limit =
    options.sizeLimit === undefined
      ? 'size.prtotal=unlimited'
      : `size=${options.sizeLimit} size.prtotal=${options.sizeLimit}`;
  return `# written by test/helpers/servers/ldap.ts
modulepath ${MODULE_PATH}
moduleload back_mdb
moduleload ppolicy
include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/inetorgperson.schema
pidfile ${join(dir, 'slapd.pid')}
argsfile ${join(dir, 'slapd.args')}

database mdb
suffix "${SUFFIX}"
rootdn "${accounts.admin.dn}"
rootpw ${accounts.admin.password}
directory ${join(dir, 'db')}
maxsize 268435456
dbnosync
index objectClass,uid,cn,member,businessCategory eq

# leash's account pages through its containers without a total limit (docs/targets/ldap.md)
limits dn.exact="${accounts.leash.dn}" ${limit}

# suspension: a default policy applies to every entry, so ppolicy enforces pwdEndTime
overlay ppolicy
ppolicy_default "cn=default,ou=policies,${SUFFIX}"

access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to dn.subtree="ou=agents,${SUFFIX}"
  by dn.exact="${accounts.leash.dn}" write
  by * read
access to dn.subtree="ou=groups,${SUFFIX}"
  by dn.exact="${accounts.leash.dn}" write
  by * read
access to *
  by * read
`;
}

function baseLdif(leash: { dn: string; password: string }): string {
  return `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
dc: leash
o: leash test

dn: ou=agents,${SUFFIX}
objectClass: organizationalUnit
ou: agents

dn: ou=groups,${SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: Example
userPassword: alice-password

dn: ou=policies,${SUFFIX}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,${SUFFIX}
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword

dn: ${leash.dn}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: leash
userPassword: ${leash.password}
`;
}

function findSlapd(): string {
  const candidates = [
    process.env.SLAPD,
    '/usr/sbin/slapd',
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'slapd')),
  ].filter((c): c is string => typeof c === 'string' && c !== '');
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'slapd was not found (looked at $SLAPD, /usr/sbin/slapd and PATH): install OpenLDAP with `apt-get install slapd ldap-utils` (preseed `slapd slapd/no_configuration boolean true` so no default database is made)',
  );
}

async function waitUntilAnswering(
  url: string,
  admin: { dn: string; password: string },
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 15_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited || child.exitCode !== null) {
      throw new Error(`slapd exited at start (code ${child.exitCode}): ${stderr().trim() || 'no output'}`);
    }
    const client = new Client({ url, timeout: 2_000, connectTimeout: 2_000 });
    try {
      await client.bind(admin.dn, admin.password);
      await client.search(SUFFIX, { scope: 'base', attributes: ['1.1'] });
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.unbind().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not answer on ${url} within 15 s: ${String(lastError)} ${stderr().trim()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, name);
    } catch {
      // it has exited already
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function randomToken(): string {
  return randomBytes(9).toString('base64url');
}
