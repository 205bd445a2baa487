/**
 * The target contract, as a suite every target runs against its real server: read what leash
 * manages, plan, apply one change at a time, read back exactly the desired state, converge
 * after an interrupted apply, and leave alone what leash did not create.
 */
import { describe, expect, it } from 'vitest';
import type { Permission } from '../../src/compile/compile.js';
import { applyChanges } from '../../src/sync/apply.js';
import { canonicalJson, diffObjects, planTarget } from '../../src/sync/plan.js';
import type {
  DesiredInput,
  EnforcedPermission,
  ManagedObject,
  TargetAdapter,
  TargetAgent,
  TargetConnection,
} from '../../src/sync/types.js';

export interface ConformanceSetup {
  adapter: TargetAdapter;
  /** A new connection to the running server (the suite closes it). */
  connect(): Promise<TargetConnection>;
  /**
   * Creates objects leash did not create, shaped like leash's own (a role with an agent-like
   * name, a group, a user...), and returns a check that they are still exactly as created.
   */
  createForeign(): Promise<() => Promise<void>>;
  /** The system (and its objects) the permissions in the suite reach; the target's objects must exist. */
  fixture: ConformanceFixture;
}

/** The target-side names the suite's permissions use: tables, ARNs, entitlements. */
export interface ConformanceFixture {
  /** Three resources with their target object, read and write permissions and two columns. */
  resources: {
    name: string;
    object: string;
    read: string[];
    write: string[];
    columns: [string, string];
  }[];
}

/** A permission as enforcement.ts would build it. */
export function enforced(
  p: Partial<EnforcedPermission> &
    Pick<EnforcedPermission, 'system' | 'resource' | 'action' | 'object' | 'permissions'>,
): EnforcedPermission {
  const mode = p.mode ?? 'execute-limited';
  const effect = p.effect ?? 'read';
  const effective: Permission = {
    system: p.system,
    resource: p.resource,
    action: p.action,
    mode,
    ...(p.columns ? { fields: p.columns } : {}),
    risk: 'low',
    effect,
    reversible: true,
    external: false,
    financial: false,
    dataClasses: [],
    sources: [{ file: `agents/x.yaml`, pointer: '/spec/grants/0', resourcePattern: p.resource, line: 9 }],
  };
  return { mode, effect, performs: true, effective, ...p };
}

export function targetAgent(
  name: string,
  reach: EnforcedPermission[],
  status: TargetAgent['status'] = 'active',
): TargetAgent {
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

function sortObjects(objects: readonly ManagedObject[]): string[] {
  return objects.map((o) => canonicalJson(o as never)).sort();
}

/** Plans against the live state and applies everything; returns the results. */
export async function converge(setup: ConformanceSetup, input: DesiredInput) {
  const connection = await setup.connect();
  try {
    const actual = await connection.read();
    const plan = planTarget({
      name: 't',
      type: setup.adapter.type,
      objectTypes: setup.adapter.objectTypes,
      desired: setup.adapter.desired(input),
      actual,
      guardrails: { maxRemovalPercent: 100, allowEmptyTarget: true },
    });
    const results = await applyChanges(connection, plan, setup.adapter.objectTypes, { timeoutMs: 20_000 });
    return { plan, results };
  } finally {
    await connection.close();
  }
}

export async function readState(setup: ConformanceSetup): Promise<ManagedObject[]> {
  const connection = await setup.connect();
  try {
    return await connection.read();
  } finally {
    await connection.close();
  }
}

/** Registers the contract tests for one target. Call inside a describe that started the server. */
export function describeTargetConformance(getSetup: () => ConformanceSetup): void {
  const scenario = (setup: ConformanceSetup) => {
    const [r0, r1, r2] = setup.fixture.resources;
    if (!r0 || !r1 || !r2) throw new Error('the fixture needs three resources');
    const p = (r: typeof r0, action: 'read' | 'write', extra: Partial<EnforcedPermission> = {}) =>
      enforced({
        system: 'app',
        resource: r.name,
        action: action === 'read' ? 'read' : 'update',
        effect: action,
        object: r.object,
        permissions: action === 'read' ? r.read : r.write,
        ...extra,
      });
    const first: DesiredInput = {
      target: 't',
      asOf: '2026-11-22T00:00:00.000Z',
      agents: [
        targetAgent('alpha', [p(r0, 'read'), p(r0, 'write', { columns: [...r0.columns] }), p(r1, 'read')]),
        targetAgent('bravo', [p(r1, 'read', { columns: [r1.columns[0]] }), p(r2, 'write')]),
        targetAgent('charlie', [p(r2, 'read')], 'suspended'),
      ],
    };
    const second: DesiredInput = {
      ...first,
      agents: [
        // alpha loses r1 read and the second column of its r0 write, gains r2 read
        targetAgent('alpha', [p(r0, 'read'), p(r0, 'write', { columns: [r0.columns[0]] }), p(r2, 'read')]),
        // bravo is suspended; charlie is gone from the repository; delta is new
        targetAgent('bravo', [p(r1, 'read', { columns: [r1.columns[0]] }), p(r2, 'write')], 'suspended'),
        targetAgent('delta', [p(r1, 'write')]),
      ],
    };
    return { first, second };
  };

  describe('target contract', () => {
    it('applies a first sync, reads back exactly what it wanted, and a second sync changes nothing', async () => {
      const setup = getSetup();
      const { first } = scenario(setup);
      const checkForeign = await setup.createForeign();
      const { plan, results } = await converge(setup, first);
      expect(plan.changes.length).toBeGreaterThan(0);
      expect(plan.changes.every((c) => c.op === 'create')).toBe(true);
      expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
      expect(sortObjects(await readState(setup))).toEqual(sortObjects(setup.adapter.desired(first)));
      const again = await converge(setup, first);
      expect(again.plan.changes).toEqual([]);
      await checkForeign();
    });

    it('moves to a changed state: grants lost and gained, a suspension, an agent removed', async () => {
      const setup = getSetup();
      const { first, second } = scenario(setup);
      await converge(setup, first);
      const checkForeign = await setup.createForeign();
      const { plan, results } = await converge(setup, second);
      expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
      const ops = new Set(plan.changes.map((c) => c.op));
      expect(ops.has('delete')).toBe(true);
      expect(ops.has('create')).toBe(true);
      const deleted = plan.changes.filter((c) => c.op === 'delete').map((c) => c.agent);
      expect(deleted).toContain('charlie');
      const state = await readState(setup);
      expect(sortObjects(state)).toEqual(sortObjects(setup.adapter.desired(second)));
      expect(state.some((o) => o.agent === 'charlie')).toBe(false);
      expect((await converge(setup, second)).plan.changes).toEqual([]);
      await checkForeign();
    });

    it('converges after an apply stopped at any change, with nothing duplicated or lost', async () => {
      const setup = getSetup();
      const { first, second } = scenario(setup);
      await converge(setup, first);
      const connection = await setup.connect();
      const actual = await connection.read();
      const changes = diffObjects(setup.adapter.desired(second), actual, setup.adapter.objectTypes);
      const half = Math.ceil(changes.length / 2);
      const results = await applyChanges(
        connection,
        { changes: changes.slice(0, half) },
        setup.adapter.objectTypes,
      );
      await connection.close();
      expect(results.every((r) => r.status === 'applied')).toBe(true);
      const { results: rest } = await converge(setup, second);
      expect(rest.every((r) => r.status === 'applied')).toBe(true);
      expect(sortObjects(await readState(setup))).toEqual(sortObjects(setup.adapter.desired(second)));
    });

    it("reads one agent (readAgent): exactly read()'s objects of that agent, shared containers aside", async () => {
      const setup = getSetup();
      const { first, second } = scenario(setup);
      const containers = new Set(
        setup.adapter.objectTypes.filter((t) => t.class === 'container').map((t) => t.name),
      );
      const classOf = new Map(setup.adapter.objectTypes.map((t) => [t.name, t.class]));
      const checkForeign = await setup.createForeign();
      for (const input of [first, second]) {
        await converge(setup, input);
        const connection = await setup.connect();
        try {
          const readAgent = connection.readAgent?.bind(connection);
          // The kill switch reads a target without it whole; every target leash ships has it.
          expect(readAgent, `${setup.adapter.type} has readAgent`).toBeTypeOf('function');
          const all = await connection.read();
          const names = new Set([
            ...first.agents.map((a) => a.name),
            ...second.agents.map((a) => a.name),
            ...all.flatMap((o) => (o.agent ? [o.agent] : [])),
            'zulu',
          ]);
          const byAgent = new Map<string, ManagedObject[]>();
          for (const agent of [...names].sort()) {
            const own = all.filter((o) => o.agent === agent && !containers.has(o.type));
            const got = await readAgent!(agent);
            expect(sortObjects(got), `readAgent(${agent})`).toEqual(sortObjects(own));
            byAgent.set(agent, got);
          }
          // The cases the kill switch meets: an agent with grants, one holding only its identity
          // (suspended), and a name the target has never seen.
          const grants = (agent: string) =>
            byAgent.get(agent)!.filter((o) => classOf.get(o.type) === 'grant');
          expect(grants('alpha').length).toBeGreaterThan(0);
          const suspended = input === first ? 'charlie' : 'bravo';
          expect(byAgent.get(suspended)!.some((o) => classOf.get(o.type) === 'identity')).toBe(true);
          expect(grants(suspended)).toEqual([]);
          expect(byAgent.get('zulu')).toEqual([]);
          expect(byAgent.get(input === first ? 'delta' : 'charlie')).toEqual([]);
        } finally {
          await connection.close();
        }
      }
      await checkForeign();
    });

    it('a connection whose last read was of one agent applies any change of a whole plan', async () => {
      const setup = getSetup();
      const { first, second } = scenario(setup);
      await converge(setup, first);
      const changes = diffObjects(
        setup.adapter.desired(second),
        await readState(setup),
        setup.adapter.objectTypes,
      );
      expect(changes.some((c) => c.agent !== 'alpha')).toBe(true);
      const connection = await setup.connect();
      try {
        expect(connection.readAgent, `${setup.adapter.type} has readAgent`).toBeTypeOf('function');
        await connection.readAgent!('alpha');
        const results = await applyChanges(connection, { changes }, setup.adapter.objectTypes);
        expect(results.filter((r) => r.status !== 'applied')).toEqual([]);
      } finally {
        await connection.close();
      }
      expect(sortObjects(await readState(setup))).toEqual(sortObjects(setup.adapter.desired(second)));
    });

    it('an empty desired state removes everything leash created and nothing else', async () => {
      const setup = getSetup();
      const { first } = scenario(setup);
      await converge(setup, first);
      const checkForeign = await setup.createForeign();
      const { results } = await converge(setup, { ...first, agents: [] });
      expect(results.every((r) => r.status === 'applied')).toBe(true);
      expect(await readState(setup)).toEqual([]);
      await checkForeign();
    });
  });
}
