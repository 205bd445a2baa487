/**
 * The `local` target, the embedded default: a Cedar policy store on disk that agents' runtimes
 * (and `leash authorize`) ask before each call. It holds every agent and every system, in every
 * mode, since it is where execute-gated, recommend-only, draft-only and escalate are decided.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Conditions } from '../../../model/generated.js';
import type {
  EnforcedPermission,
  JsonObject,
  ManagedObject,
  TargetAdapter,
  TargetConnection,
} from '../../types.js';
import { compileEntities, compilePolicies, permissionPolicyId } from './cedar.js';
import { resolveStorePath } from './paths.js';
import type { AgentFile, StoredIdentity, StoredPermission } from './store-format.js';
import {
  STORE_FORMAT_VERSION,
  STORE_KIND,
  StoreFormatError,
  checkAgentFile,
  isObject,
} from './store-format.js';

const OBJECT_TYPES = [
  { name: 'agent', class: 'identity' },
  { name: 'permission', class: 'grant' },
] as const;

export const localAdapter: TargetAdapter = {
  type: 'local',
  objectTypes: OBJECT_TYPES,
  checkSettings(settings) {
    const path = settings.path ?? '.leash/state';
    if (typeof path !== 'string') return ['path must be a string'];
    return path.split('/').some((s) => s === '..' || s === '.' || s === '')
      ? [`path ${path} must stay inside the repository: no '.', '..' or empty segments`]
      : [];
  },
  desired(input) {
    const out: ManagedObject[] = [];
    for (const agent of input.agents) {
      const identity: StoredIdentity = {
        status: agent.status,
        environment: agent.environment,
        tier: agent.tier,
        owner: agent.owner,
        platform: agent.platform,
      };
      out.push({ type: 'agent', id: agent.name, agent: agent.name, attributes: { ...identity } });
      for (const p of agent.permissions) {
        out.push({
          type: 'permission',
          id: `${agent.name}/${permissionPolicyId(p)}`,
          agent: agent.name,
          attributes: toStored(p) as unknown as JsonObject,
        });
      }
    }
    return out;
  },
  killed(agent, actual) {
    // The identity keeps who owns the agent and where it runs (authorize still names them);
    // only its status changes, and every permission goes.
    const identity = actual.find((o) => o.type === 'agent');
    const attributes: JsonObject = identity
      ? { ...identity.attributes, status: 'revoked' }
      : { status: 'revoked', environment: '', tier: '', owner: '', platform: '' };
    return [{ type: 'agent', id: agent, agent, attributes }];
  },
  async connect(context) {
    const problems = localAdapter.checkSettings?.(context.settings, context.env) ?? [];
    if (problems.length > 0) throw new Error(`${context.name}: ${problems.join('; ')}`);
    const dir = await resolveStorePath(
      context.baseDir,
      (context.settings.path as string | undefined) ?? '.leash/state',
    );
    return new LocalStore(dir);
  },
};

/**
 * A permission as the store keeps it: a fresh object sharing nothing with the model (its
 * attributes travel in the plan and into the file), built field by field rather than through a
 * JSON round trip, which cost a re-sync of 1,000 agents tens of milliseconds.
 */
function toStored(p: EnforcedPermission): StoredPermission {
  const e = p.effective;
  return {
    system: p.system,
    resource: p.resource,
    action: p.action,
    mode: p.mode,
    effect: p.effect,
    risk: e.risk,
    reversible: e.reversible,
    external: e.external,
    financial: e.financial,
    ...(e.fields ? { fields: [...e.fields] } : {}),
    // Conditions are nested and come from YAML: the round trip copies them and makes them JSON.
    ...(e.conditions ? { conditions: JSON.parse(JSON.stringify(e.conditions)) as Conditions } : {}),
    ...(e.expires ? { expires: e.expires } : {}),
    sources: e.sources.map(
      (s) =>
        `${s.file}${s.line !== undefined ? `:${s.line}` : `#${s.pointer}`}` +
        (s.template ? ` (via template ${s.template.name})` : ''),
    ),
  };
}

/** The store on disk. Each change rewrites one agent file by an atomic rename. */
export class LocalStore implements TargetConnection {
  /** Whether this connection has found (or made) store.json: a run is the store's one writer. */
  #storeChecked = false;

  constructor(readonly dir: string) {}

  private agentsDir(): string {
    return join(this.dir, 'agents');
  }

  async read(): Promise<ManagedObject[]> {
    const files = await this.listAgentFiles();
    const out: ManagedObject[] = [];
    for (const name of files) {
      const file = await this.readAgentFile(name);
      if (file) out.push(...fileObjects(file));
    }
    return out;
  }

  /** One agent's objects: its one file (the kill switch's read). */
  async readAgent(agent: string): Promise<ManagedObject[]> {
    if ((await this.readMarker()) === 'absent') return [];
    const file = await this.readAgentFile(agent);
    return file ? fileObjects(file) : [];
  }

  async apply(change: Parameters<TargetConnection['apply']>[0]): Promise<void> {
    const agent = change.agent;
    if (agent === undefined) throw new Error(`local: change ${change.type}/${change.id} names no agent`);
    await this.ensureStore();
    const file = (await this.readAgentFile(agent)) ?? emptyFile(agent);
    if (change.type === 'agent') {
      file.identity = change.op === 'delete' ? null : (change.after as unknown as StoredIdentity);
    } else if (change.type === 'permission') {
      const id = change.id.slice(agent.length + 1);
      file.permissions = file.permissions.filter((p) => permissionPolicyId(p) !== id);
      if (change.op !== 'delete') file.permissions.push(change.after as unknown as StoredPermission);
      file.permissions.sort((a, b) => cmp(permissionPolicyId(a), permissionPolicyId(b)));
    } else {
      throw new Error(`local: unknown object type ${change.type}`);
    }
    await this.writeAgent(file);
  }

  async close(): Promise<void> {}

  /** An agent's file, or undefined when the store has none. */
  async readAgentFile(agent: string): Promise<AgentFile | undefined> {
    const path = join(this.agentsDir(), `${agent}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StoreFormatError(`${path}: not valid JSON`, { cause: error });
    }
    return checkAgentFile(parsed, path, agent);
  }

  private async listAgentFiles(): Promise<string[]> {
    const marker = await this.readMarker();
    if (marker === 'absent') {
      const entries = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      if (entries.length > 0) {
        throw new StoreFormatError(`${this.dir} holds files but no store.json: not a leash local store`);
      }
      return [];
    }
    const names = await readdir(this.agentsDir()).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    // Dot-files are temporaries of an interrupted write: the rename never happened.
    return names
      .filter((n) => !n.startsWith('.') && n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .sort();
  }

  private async readMarker(): Promise<'absent' | 'ok'> {
    let text: string;
    try {
      text = await readFile(join(this.dir, 'store.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new StoreFormatError(`${join(this.dir, 'store.json')}: not valid JSON`, { cause: error });
    }
    if (!isObject(value) || value.kind !== STORE_KIND || value.formatVersion !== STORE_FORMAT_VERSION) {
      throw new StoreFormatError(
        `${join(this.dir, 'store.json')}: not a leash local store of format ${STORE_FORMAT_VERSION}`,
      );
    }
    return 'ok';
  }

  private async ensureStore(): Promise<void> {
    // Once per connection, not once per change: reading store.json again before each of a
    // first sync's thousands of changes was a third of its file operations.
    if (this.#storeChecked) return;
    if ((await this.readMarker()) !== 'ok') {
      await mkdir(this.agentsDir(), { recursive: true });
      await atomicWrite(
        join(this.dir, 'store.json'),
        JSON.stringify({ kind: STORE_KIND, formatVersion: STORE_FORMAT_VERSION }, null, 2) + '\n',
      );
    }
    this.#storeChecked = true;
  }

  private async writeAgent(file: AgentFile): Promise<void> {
    const path = join(this.agentsDir(), `${file.agent}.json`);
    if (!file.identity && file.permissions.length === 0) {
      await rm(path, { force: true });
      return;
    }
    const identity = file.identity ?? {
      status: 'revoked',
      environment: '',
      tier: '',
      owner: '',
      platform: '',
    };
    file.cedar = {
      policies: compilePolicies(file.agent, file.permissions),
      entities: compileEntities(file.agent, identity, file.permissions),
    };
    await atomicWrite(path, JSON.stringify(file, null, 2) + '\n');
  }
}

function fileObjects(file: AgentFile): ManagedObject[] {
  const name = file.agent;
  const out: ManagedObject[] = [];
  if (file.identity) out.push({ type: 'agent', id: name, agent: name, attributes: { ...file.identity } });
  for (const p of file.permissions) {
    out.push({
      type: 'permission',
      id: `${name}/${permissionPolicyId(p)}`,
      agent: name,
      // Parsed from the file just now and owned by nobody else: used as it is, not copied.
      attributes: p as unknown as JsonObject,
    });
  }
  return out;
}

function emptyFile(agent: string): AgentFile {
  return {
    formatVersion: STORE_FORMAT_VERSION,
    agent,
    identity: null,
    permissions: [],
    cedar: { policies: {}, entities: [] },
  };
}

/** Writes a temporary file beside the target and renames it over: readers see old or new, never half. */
export async function atomicWrite(path: string, text: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const tmp = join(dir, `.${path.slice(dir.length + 1)}.${process.pid}.tmp`);
  await writeFile(tmp, text);
  await rename(tmp, path);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
