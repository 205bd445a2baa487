/**
 * A real PostgreSQL server for tests and benchmarks: initdb into a temp dir, started with
 * pg_ctl on 127.0.0.1 and a random free port, the unix socket kept inside the temp dir. It
 * holds a database with a few tables owned by `app_owner` and granted to the `leash` role
 * (CREATEROLE) with the grant option, the account the postgres target connects as. Plain
 * TypeScript (no test framework), so the benchmark can reuse it.
 *
 * The server binaries must not run as root: when the process is root (as in CI containers),
 * every binary runs as the `postgres` OS user through runuser, and the temp dir is chowned to it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

/** A running server and the accounts on it. */
export interface PostgresServer {
  host: string;
  port: number;
  database: string;
  /** The role leash connects as: LOGIN CREATEROLE, grant option on the fixture tables. */
  user: string;
  password: string;
  /** The bootstrap superuser, for what a DBA or an agent platform does out of band. */
  admin: { user: string; password: string };
  dataDir: string;
  /** Stops the server by the PID in postmaster.pid and removes the temp dir. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Name of the test database; `leash_test` by default. */
  database?: string;
}

/**
 * The fixture: three tables leash may grant on, one of them with camelCase (quoted) columns,
 * and `audit_log`, on which leash holds SELECT with the grant option but INSERT without it.
 */
export const POSTGRES_FIXTURE_SQL = `
  CREATE ROLE app_owner NOLOGIN;
  GRANT CREATE ON SCHEMA public TO app_owner;
  SET ROLE app_owner;
  CREATE TABLE public.customers (id serial PRIMARY KEY, name text, email text, phone text);
  CREATE TABLE public.orders (id serial PRIMARY KEY, customer_id int, total numeric, status text);
  CREATE TABLE public.tickets ("ticketId" serial PRIMARY KEY, "customerEmail" text, "openedAt" timestamptz, body text);
  CREATE TABLE public.audit_log (id serial PRIMARY KEY, entry text);
  INSERT INTO public.customers (name, email, phone) VALUES ('Ada', 'ada@example.com', '555-0100');
  INSERT INTO public.tickets ("customerEmail", body) VALUES ('ada@example.com', 'my order is late');
  GRANT ALL ON public.customers, public.orders, public.tickets TO leash WITH GRANT OPTION;
  GRANT SELECT ON public.audit_log TO leash WITH GRANT OPTION;
  GRANT INSERT ON public.audit_log TO leash;
  RESET ROLE;
`;

const ADMIN = 'postgres';
const LEASH = 'leash';

/** Starts a server; throws with a clear message when the PostgreSQL binaries are missing. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  const database = options.database ?? 'leash_test';
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresOsUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'leash-pg-'));
  const dataDir = join(dir, 'data');
  const run = (file: string, args: string[]) => {
    const [cmd, argv] = owner ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.error || result.status !== 0) {
      const why = result.error?.message ?? `${result.stderr}${result.stdout}`.trim();
      throw new Error(`${file} ${args[0] ?? ''} failed: ${why}`);
    }
  };
  const adminPassword = `admin-${randomToken()}`;
  const password = `leash-${randomToken()}`;
  let started = false;
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, `${adminPassword}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    run(initdb, [
      '-D',
      dataDir,
      '-U',
      ADMIN,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    rmSync(pwfile);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      // Settings go into postgresql.conf rather than `pg_ctl -o`, which passes them through a shell.
      writeFileSync(
        join(dataDir, 'postgresql.auto.conf'),
        [
          `port = ${port}`,
          `listen_addresses = '127.0.0.1'`,
          `unix_socket_directories = '${dir}'`,
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          'max_connections = 40',
          'shared_buffers = 16MB',
          '',
        ].join('\n'),
      );
      if (owner) chownSync(join(dataDir, 'postgresql.auto.conf'), owner.uid, owner.gid);
      try {
        run(pgCtl, ['start', '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60']);
        started = true;
        break;
      } catch (error) {
        // Another process may have taken the port between freePort and the server's bind.
        if (attempt >= 3) throw new Error(`${(error as Error).message}\n${readLog(dir)}`);
      }
    }
    const admin = { user: ADMIN, password: adminPassword };
    await withClient({ host: '127.0.0.1', port, database: 'postgres', ...admin }, async (client) => {
      await client.query(`CREATE ROLE ${LEASH} LOGIN CREATEROLE PASSWORD '${password}'`);
      await client.query(`CREATE DATABASE ${database}`);
    });
    await withClient({ host: '127.0.0.1', port, database, ...admin }, async (client) => {
      await client.query(POSTGRES_FIXTURE_SQL);
    });
    let stopped = false;
    return {
      host: '127.0.0.1',
      port,
      database,
      user: LEASH,
      password,
      admin,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopByPid(dataDir);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (started) await stopByPid(dataDir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Runs `fn` with a connected client, closing it afterwards. */
export async function withClient<T>(
  config: { host: string; port: number; database: string; user: string; password: string },
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function findBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error(
    `${name} was not found on PATH: the postgres tests need the PostgreSQL server binaries ` +
      `(apt-get install postgresql, then put /usr/lib/postgresql/<version>/bin on PATH)`,
  );
}

function postgresOsUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (error) {
    throw new Error(
      'running as root, the PostgreSQL server must run as the `postgres` OS user, which does not exist ' +
        '(apt-get install postgresql creates it)',
      { cause: error },
    );
  }
}

async function stopByPid(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // never started, or already gone
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, no waiting for clients.
  if (!signal(pid, 'SIGINT')) return;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!signal(pid, 0)) return;
  }
  signal(pid, 'SIGKILL');
}

/** Sends a signal; false when the process does not exist (any more). */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
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

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8');
  } catch {
    return '';
  }
}

function randomToken(): string {
  return randomBytes(8).toString('hex');
}
