import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectAwsIam, awsIamAdapter, type AwsIamTuning } from '../../../src/sync/targets/aws-iam/index.js';
import {
  RetryableError,
  type DesiredInput,
  type EnforcedPermission,
  type JsonObject,
} from '../../../src/sync/types.js';
import { startMoto, type MotoServer } from '../../helpers/servers/moto.js';
import {
  converge,
  describeTargetConformance,
  enforced,
  readState,
  targetAgent,
  type ConformanceFixture,
  type ConformanceSetup,
} from '../target-conformance.js';

const ACCOUNT = '123456789012';
const TRUSTED = `arn:aws:iam::${ACCOUNT}:role/agent-runtime`;
const ENV = { LEASH_TEST_AWS_KEY_ID: 'testing', LEASH_TEST_AWS_SECRET: 'testing' };
const ORDERS = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
const TICKETS = 'arn:aws:s3:::tickets/*';
const EVENTS = `arn:aws:sqs:us-east-1:${ACCOUNT}:events`;
const AUDIT = `arn:aws:sqs:us-east-1:${ACCOUNT}:audit`;

const fixture: ConformanceFixture = {
  resources: [
    {
      name: 'orders',
      object: ORDERS,
      read: ['dynamodb:GetItem', 'dynamodb:Query'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      columns: ['id', 'total'],
    },
    {
      name: 'tickets',
      object: TICKETS,
      read: ['s3:GetObject'],
      write: ['s3:PutObject'],
      columns: ['subject', 'body'],
    },
    {
      name: 'events',
      object: EVENTS,
      read: ['sqs:ReceiveMessage'],
      write: ['sqs:SendMessage'],
      columns: ['type', 'payload'],
    },
  ],
};

let moto: MotoServer;
let iam: IAMClient;

beforeAll(async () => {
  moto = await startMoto();
  // Visible in the test output: moto's start-up is most of this file's fixed cost.
  console.info(`moto_server answered after ${moto.startupMs} ms`);
  iam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}, 30_000);

afterAll(async () => {
  iam?.destroy();
  await moto?.stop();
});

function settings(extra: Record<string, string> = {}, endpoint = moto.endpoint) {
  return {
    type: 'aws-iam' as const,
    endpoint,
    accessKeyIdEnv: 'LEASH_TEST_AWS_KEY_ID',
    secretAccessKeyEnv: 'LEASH_TEST_AWS_SECRET',
    trustedPrincipal: TRUSTED,
    ...extra,
  };
}

function setupWith(extra: Record<string, string> = {}, tuning: AwsIamTuning = {}): ConformanceSetup {
  return {
    adapter: awsIamAdapter,
    connect: () => connectAwsIam({ name: 'aws', settings: settings(extra), env: ENV, baseDir: '/' }, tuning),
    createForeign,
    fixture,
  };
}

/** A policy document as IAM returns it (URL-encoded; moto leaves trust policies plain). */
function decode(raw: string | undefined): unknown {
  if (raw === undefined) throw new Error('no document');
  return JSON.parse(raw.startsWith('{') ? raw : decodeURIComponent(raw));
}

async function inlinePolicies(role: string): Promise<Record<string, unknown>> {
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ?? [];
  const out: Record<string, unknown> = {};
  for (const name of names.sort()) {
    out[name] = decode(
      (await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }))).PolicyDocument,
    );
  }
  return out;
}

/** Everything about a role that leash could change. */
async function snapshotRole(role: string) {
  const got = (await iam.send(new GetRoleCommand({ RoleName: role }))).Role;
  const attached =
    (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? [];
  return {
    path: got?.Path,
    tags: [...(got?.Tags ?? [])].sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? '')),
    trust: decode(got?.AssumeRolePolicyDocument),
    inline: await inlinePolicies(role),
    attached: attached.map((p) => p.PolicyArn),
  };
}

const OTHER_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const FOREIGN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::foreign/*' }],
});

let foreignCount = 0;
/**
 * Roles shaped like leash's that leash did not create: the marker tag at another path, the
 * leash path without the tag, and the tag at a deeper path (another leash configuration's);
 * each with an inline policy named like a leash grant.
 */
async function createForeign(): Promise<() => Promise<void>> {
  const n = ++foreignCount;
  const roles: { name: string; path: string; tagged: boolean }[] = [
    { name: `foreign-other-path-${n}`, path: '/other/', tagged: true },
    { name: `foreign-untagged-${n}`, path: '/leash/', tagged: false },
    { name: `foreign-deeper-${n}`, path: '/leash/team/', tagged: true },
  ];
  for (const role of roles) {
    await iam.send(
      new CreateRoleCommand({
        RoleName: role.name,
        Path: role.path,
        AssumeRolePolicyDocument: OTHER_TRUST,
        ...(role.tagged ? { Tags: [{ Key: 'managed-by', Value: 'leash' }] } : {}),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: role.name,
        PolicyName: 'leash-app',
        PolicyDocument: FOREIGN_POLICY,
      }),
    );
  }
  const before = await Promise.all(roles.map((r) => snapshotRole(r.name)));
  return async () => {
    expect(await Promise.all(roles.map((r) => snapshotRole(r.name)))).toEqual(before);
  };
}

const perm = (
  resource: string,
  object: string,
  permissions: string[],
  extra: Partial<EnforcedPermission> = {},
): EnforcedPermission => enforced({ system: 'app', resource, action: 'read', object, permissions, ...extra });

const input = (...agents: ReturnType<typeof targetAgent>[]): DesiredInput => ({
  target: 'aws',
  asOf: '2026-11-22T00:00:00.000Z',
  agents,
});

/** A proxy in front of moto that fails the requests `fault` picks, to break reads mid-way. */
async function startFaultProxy(
  fault: (params: URLSearchParams) => { status: number; code: string } | undefined,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const target = new URL(moto.endpoint);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const injected = fault(new URLSearchParams(body.toString('utf8')));
      if (injected) {
        res.writeHead(injected.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${injected.code}</Code><Message>injected by the test</Message></Error><RequestId>test</RequestId></ErrorResponse>`,
        );
        return;
      }
      const forward = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('aws-iam target (moto)', () => {
  describe('conformance', () => {
    beforeAll(() => moto.reset());
    describeTargetConformance(() => setupWith());
  });

  describe('what it creates', () => {
    beforeEach(() => moto.reset());

    it('creates each role at the configured path, with the marker tags and the trust policy', async () => {
      const setup = setupWith({ path: '/agents/prod/' });
      const { results } = await converge(
        setup,
        input(targetAgent('alpha', [perm('orders', ORDERS, ['dynamodb:GetItem'])])),
      );
      expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
      const role = await snapshotRole('alpha');
      expect(role.path).toBe('/agents/prod/');
      expect(role.tags).toEqual([
        { Key: 'leash:agent', Value: 'alpha' },
        { Key: 'managed-by', Value: 'leash' },
      ]);
      expect(role.trust).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: [TRUSTED] }, Action: ['sts:AssumeRole'] }],
      });
      expect(Object.keys(role.inline)).toEqual(['leash-app']);
      // Another path is another configuration: it does not see these roles.
      expect(await readState(setupWith())).toEqual([]);
    });

    it('writes one policy per system with exactly the granted actions and resources, merged and sorted', async () => {
      const agent = targetAgent('alpha', [
        perm('orders', ORDERS, ['dynamodb:Query', 'dynamodb:GetItem']),
        perm('orders', ORDERS, ['dynamodb:UpdateItem', 'dynamodb:PutItem'], {
          action: 'update',
          effect: 'write',
        }),
        perm('tickets', TICKETS, ['s3:GetObject'], { columns: ['subject'] }),
        perm('tickets', TICKETS, ['s3:PutObject'], {
          action: 'update',
          effect: 'write',
          expires: '2026-12-31',
        }),
        perm('events', EVENTS, ['sqs:ReceiveMessage']),
        perm('audit', AUDIT, ['sqs:ReceiveMessage']),
        // A write the agent only recommends grants nothing; nor does an action with no IAM actions.
        perm('events', EVENTS, ['sqs:SendMessage'], {
          action: 'publish',
          effect: 'write',
          mode: 'recommend-only',
          performs: false,
        }),
        perm('events', EVENTS, [], { action: 'purge' }),
        perm('invoices', `arn:aws:s3:::invoices/*`, ['s3:GetObject'], { system: 'billing' }),
      ]);
      const { results } = await converge(setupWith(), input(agent));
      expect(results.every((r) => r.status === 'applied')).toBe(true);
      expect(await inlinePolicies('alpha')).toEqual({
        'leash-app': {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
              Resource: [ORDERS],
            },
            { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [TICKETS] },
            {
              Effect: 'Allow',
              Action: ['s3:PutObject'],
              Resource: [TICKETS],
              // The end of 2026-12-31 UTC: IAM stops honouring it then, sync or not.
              Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } },
            },
            { Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: [AUDIT, EVENTS] },
          ],
        },
        'leash-billing': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::invoices/*'] }],
        },
      });
      // The same grants in another order give the same documents: nothing to change.
      const shuffled = targetAgent('alpha', [...agent.permissions].reverse());
      expect((await converge(setupWith(), input(shuffled))).plan.changes).toEqual([]);
    });

    it('suspension removes the grant policies and puts the deny-all; reactivation lifts it', async () => {
      const reach = [
        perm('orders', ORDERS, ['dynamodb:GetItem']),
        perm('x', ORDERS, ['s3:GetObject'], { system: 'files' }),
      ];
      await converge(setupWith(), input(targetAgent('alpha', reach)));
      expect(Object.keys(await inlinePolicies('alpha'))).toEqual(['leash-app', 'leash-files']);

      const { plan, results } = await converge(setupWith(), input(targetAgent('alpha', reach, 'suspended')));
      expect(results.every((r) => r.status === 'applied')).toBe(true);
      expect(plan.changes.map((c) => `${c.op} ${c.type} ${c.id}`)).toEqual([
        'delete policy alpha/app',
        'delete policy alpha/files',
        'create suspension alpha',
      ]);
      expect(await inlinePolicies('alpha')).toEqual({
        'leash.suspended': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'] }],
        },
      });
      expect((await snapshotRole('alpha')).path).toBe('/leash/');

      await converge(setupWith(), input(targetAgent('alpha', reach, 'revoked')));
      expect(Object.keys(await inlinePolicies('alpha'))).toEqual(['leash.suspended']);

      await converge(setupWith(), input(targetAgent('alpha', reach)));
      expect(Object.keys(await inlinePolicies('alpha'))).toEqual(['leash-app', 'leash-files']);
    });

    it('puts back policies and trust that were changed outside leash, and follows a new trusted principal', async () => {
      const desired = input(targetAgent('alpha', [perm('orders', ORDERS, ['dynamodb:GetItem'])]));
      await converge(setupWith(), desired);
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: 'alpha',
          PolicyName: 'leash-app',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
          }),
        }),
      );
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'alpha', PolicyDocument: OTHER_TRUST }));
      const { plan } = await converge(setupWith(), desired);
      expect(plan.changes.map((c) => `${c.op} ${c.type} ${c.id}`)).toEqual([
        'update role alpha',
        'update policy alpha/app',
      ]);
      expect(plan.changes[0]?.before?.trustPolicy).toContain('lambda.amazonaws.com');
      expect((await converge(setupWith(), desired)).plan.changes).toEqual([]);
      expect((await inlinePolicies('alpha'))['leash-app']).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [ORDERS] }],
      });

      const other = `arn:aws:iam::${ACCOUNT}:role/other-runtime`;
      const moved = await converge(setupWith({ trustedPrincipal: other }), desired);
      expect(moved.plan.changes.map((c) => `${c.op} ${c.type} ${c.id}`)).toEqual(['update role alpha']);
      expect((await snapshotRole('alpha')).trust).toMatchObject({
        Statement: [{ Principal: { AWS: [other] } }],
      });
    });
  });

  describe('what it leaves alone', () => {
    beforeEach(() => moto.reset());

    it('never reads, changes or removes foreign roles, even ones with the tag or the path', async () => {
      const checkForeign = await createForeign();
      const setup = setupWith();
      expect(await readState(setup)).toEqual([]);
      await converge(setup, input(targetAgent('alpha', [perm('orders', ORDERS, ['dynamodb:GetItem'])])));
      expect((await readState(setup)).map((o) => `${o.type}/${o.id}`)).toEqual([
        'role/alpha',
        'policy/alpha/app',
      ]);
      await converge(setup, input());
      expect(await readState(setup)).toEqual([]);
      await checkForeign();
    });

    it('refuses to take over a foreign role with an agent’s name, and skips that agent’s grants', async () => {
      await iam.send(
        new CreateRoleCommand({ RoleName: 'golf', Path: '/other/', AssumeRolePolicyDocument: OTHER_TRUST }),
      );
      const before = await snapshotRole('golf');
      const { results } = await converge(
        setupWith(),
        input(targetAgent('golf', [perm('orders', ORDERS, ['dynamodb:GetItem'])])),
      );
      expect(results.map((r) => r.status)).toEqual(['failed', 'skipped']);
      expect(results[0]?.error).toMatch(/a role named golf already exists that leash does not manage/);
      expect(await snapshotRole('golf')).toEqual(before);
    });

    it('does not delete a role that still carries policies someone else put there, and says why', async () => {
      await converge(
        setupWith(),
        input(targetAgent('alpha', [perm('orders', ORDERS, ['dynamodb:GetItem'])])),
      );
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: 'alpha',
          PolicyName: 'hand-made',
          PolicyDocument: FOREIGN_POLICY,
        }),
      );
      const created = await iam.send(
        new CreatePolicyCommand({ PolicyName: 'team-managed', PolicyDocument: FOREIGN_POLICY }),
      );
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'alpha', PolicyArn: created.Policy?.Arn }));
      // Leash's own policy is not among them: it is read; the hand-made one is not.
      expect((await readState(setupWith())).map((o) => `${o.type}/${o.id}`)).toEqual([
        'role/alpha',
        'policy/alpha/app',
      ]);

      const { results } = await converge(setupWith(), input());
      expect(results.map((r) => `${r.change.op} ${r.change.type} ${r.status}`)).toEqual([
        'delete policy applied',
        'delete role failed',
      ]);
      expect(results[1]?.error).toMatch(
        /role alpha still has policies or an instance profile that leash did not put there/,
      );
      const left = await snapshotRole('alpha');
      expect(Object.keys(left.inline)).toEqual(['hand-made']);
      expect(left.attached).toEqual([created.Policy?.Arn]);
    });
  });

  describe('reading', () => {
    beforeEach(() => moto.reset());

    const agents = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name, i) =>
      targetAgent(
        name,
        [
          perm('orders', ORDERS, ['dynamodb:GetItem']),
          perm('events', EVENTS, ['sqs:SendMessage'], { system: `s${i}` }),
        ],
        i === 2 ? 'suspended' : 'active',
      ),
    );

    it('reads the same state through GetAccountAuthorizationDetails and through per-role listing, across pages', async () => {
      await createForeign();
      await converge(setupWith(), input(...agents));
      const desired = awsIamAdapter.desired(input(...agents));
      const sorted = (objects: readonly unknown[]) => objects.map((o) => JSON.stringify(o)).sort();
      const byDetails = await readState(
        setupWith({}, { readStrategy: 'authorization-details', pageSize: 2 }),
      );
      const byListing = await readState(
        setupWith({}, { readStrategy: 'listing', pageSize: 2, concurrency: 3 }),
      );
      expect(sorted(byDetails)).toEqual(sorted(desired));
      expect(sorted(byListing)).toEqual(sorted(desired));
    });

    it('falls back to the listing read when GetAccountAuthorizationDetails is denied', async () => {
      await converge(setupWith(), input(...agents));
      let denied = 0;
      const proxy = await startFaultProxy((params) =>
        params.get('Action') === 'GetAccountAuthorizationDetails'
          ? (denied++, { status: 403, code: 'AccessDenied' })
          : undefined,
      );
      try {
        const connection = await connectAwsIam(
          { name: 'aws', settings: settings({}, proxy.endpoint), env: ENV, baseDir: '/' },
          { readAttempts: 1 },
        );
        const state = await connection.read();
        await connection.close();
        expect(denied).toBe(1);
        expect(state.map((o) => JSON.stringify(o)).sort()).toEqual(
          awsIamAdapter
            .desired(input(...agents))
            .map((o) => JSON.stringify(o))
            .sort(),
        );
      } finally {
        await proxy.close();
      }
    });

    it('throws rather than return part of the state when a later page fails', async () => {
      await converge(setupWith(), input(...agents));
      const proxy = await startFaultProxy((params) =>
        params.get('Action') === 'ListRoles' && params.has('Marker')
          ? { status: 503, code: 'ServiceUnavailable' }
          : undefined,
      );
      try {
        const connection = await connectAwsIam(
          { name: 'aws', settings: settings({}, proxy.endpoint), env: ENV, baseDir: '/' },
          { readStrategy: 'listing', pageSize: 2, readAttempts: 1 },
        );
        await expect(connection.read()).rejects.toThrow(/aws-iam read \(ListRoles\)/);
        await expect(connection.read()).rejects.toBeInstanceOf(RetryableError);
        await connection.close();
      } finally {
        await proxy.close();
      }
    });

    it('throws when a per-role call fails, and when IAM cannot be reached at all', async () => {
      await converge(setupWith(), input(...agents));
      const proxy = await startFaultProxy((params) =>
        params.get('Action') === 'GetRolePolicy' && params.get('RoleName') === 'delta'
          ? { status: 400, code: 'InvalidInput' }
          : undefined,
      );
      try {
        const connection = await connectAwsIam(
          { name: 'aws', settings: settings({}, proxy.endpoint), env: ENV, baseDir: '/' },
          { readStrategy: 'listing', readAttempts: 1 },
        );
        const failure = connection.read();
        await expect(failure).rejects.toThrow(/GetRolePolicy delta/);
        await expect(failure).rejects.not.toBeInstanceOf(RetryableError);
        await connection.close();
      } finally {
        await proxy.close();
      }
      const closed = await startFaultProxy(() => undefined);
      await closed.close();
      const unreachable = await connectAwsIam(
        { name: 'aws', settings: settings({}, closed.endpoint), env: ENV, baseDir: '/' },
        { readAttempts: 1 },
      );
      await expect(unreachable.read()).rejects.toBeInstanceOf(RetryableError);
      await unreachable.close();
    });

    it('turns throttling and 5xx on a write into RetryableError, and honours an aborted signal', async () => {
      let mode: 'throttle' | 'unavailable' = 'throttle';
      const proxy = await startFaultProxy((params) =>
        params.get('Action') === 'CreateRole'
          ? mode === 'throttle'
            ? { status: 400, code: 'Throttling' }
            : { status: 503, code: 'ServiceUnavailable' }
          : undefined,
      );
      try {
        const connection = await connectAwsIam({
          name: 'aws',
          settings: settings({}, proxy.endpoint),
          env: ENV,
          baseDir: '/',
        });
        const create = {
          op: 'create' as const,
          type: 'role',
          id: 'alpha',
          agent: 'alpha',
          after: { trustPolicy: 'as-configured' },
        };
        await expect(connection.apply(create)).rejects.toBeInstanceOf(RetryableError);
        mode = 'unavailable';
        await expect(connection.apply(create)).rejects.toBeInstanceOf(RetryableError);
        await expect(connection.read(AbortSignal.abort())).rejects.toThrow(/abort/i);
        await connection.close();
      } finally {
        await proxy.close();
      }
    });
  });

  describe('mapping and settings', () => {
    const agentWith = (p: EnforcedPermission, name = 'alpha') => input(targetAgent(name, [p]));

    it('rejects a permission whose resource has no ARN, naming system, resource and action', () => {
      // enforce.object missing: enforcement falls back to the resource's name.
      expect(() => awsIamAdapter.desired(agentWith(perm('orders', 'orders', ['dynamodb:GetItem'])))).toThrow(
        /aws-iam: system "app", resource "orders", action "read": the resource's target object "orders" is not an ARN; set enforce.object/,
      );
    });

    it('rejects actions that are not service:Action and agent names IAM cannot hold', () => {
      expect(() => awsIamAdapter.desired(agentWith(perm('orders', ORDERS, ['GetItem'])))).toThrow(
        /action "read": "GetItem" is not an IAM action/,
      );
      expect(() => awsIamAdapter.desired(agentWith(perm('orders', ORDERS, ['*'])))).toThrow(
        /"\*" is not an IAM action/,
      );
      expect(() =>
        awsIamAdapter.desired(agentWith(perm('orders', ORDERS, ['s3:GetObject']), 'a'.repeat(65))),
      ).toThrow(/cannot be an IAM role name/);
    });

    it('leaves out, without error, permissions with no IAM actions even when they have no ARN', () => {
      const objects = awsIamAdapter.desired(agentWith(perm('orders', 'orders', [])));
      expect(objects.map((o) => `${o.type}/${o.id}`)).toEqual(['role/alpha']);
      const star = awsIamAdapter.desired(agentWith(perm('buckets', '*', ['s3:ListAllMyBuckets'])));
      expect((star[1]?.attributes.document as JsonObject).Statement).toEqual([
        { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: ['*'] },
      ]);
    });

    it('checks settings: paired credential variables that are set, a principal ARN, a path', () => {
      const check = awsIamAdapter.checkSettings!;
      expect(check(settings(), ENV)).toEqual([]);
      expect(check({ type: 'aws-iam', trustedPrincipal: TRUSTED }, {})).toEqual([]);
      expect(check({ ...settings(), secretAccessKeyEnv: undefined }, ENV)).toEqual([
        'accessKeyIdEnv and secretAccessKeyEnv go together: set both, or neither for the default credential chain',
      ]);
      expect(check(settings(), { LEASH_TEST_AWS_KEY_ID: 'x' })).toEqual([
        'secretAccessKeyEnv: the environment variable LEASH_TEST_AWS_SECRET is not set',
      ]);
      expect(check({ type: 'aws-iam', trustedPrincipal: 'runtime', path: 'leash' }, {})).toEqual([
        'path "leash" is not an IAM path (it starts and ends with /, e.g. /leash/)',
        'trustedPrincipal "runtime" is not an IAM ARN (arn:aws:iam::<account>:role/<name>)',
      ]);
    });
  });
});
