import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSignoff } from '../../src/approvals/evaluate-signoff.js';
import {
  parseReviewsFile,
  readReviewsFile,
  readReviewsSchema,
  toSignoffContext,
} from '../../src/approvals/reviews-file.js';
import { computeRequiredSignoff } from '../../src/approvals/compute-signoff.js';
import { parsePointer } from '../../src/model/diagnostic.js';
import { GROUPS, config, delta, gained, radius } from './helpers.js';

const HEAD = 'ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091';

// The example review of GitHub's REST API documentation (GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews),
// as the Action passes it through: every field, most of which leash ignores.
const GITHUB_REVIEW = {
  id: 80,
  node_id: 'MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=',
  user: {
    login: 'octocat',
    id: 1,
    node_id: 'MDQ6VXNlcjE=',
    avatar_url: 'https://github.com/images/error/octocat_happy.gif',
    gravatar_id: '',
    url: 'https://api.github.com/users/octocat',
    html_url: 'https://github.com/octocat',
    followers_url: 'https://api.github.com/users/octocat/followers',
    following_url: 'https://api.github.com/users/octocat/following{/other_user}',
    gists_url: 'https://api.github.com/users/octocat/gists{/gist_id}',
    starred_url: 'https://api.github.com/users/octocat/starred{/owner}{/repo}',
    subscriptions_url: 'https://api.github.com/users/octocat/subscriptions',
    organizations_url: 'https://api.github.com/users/octocat/orgs',
    repos_url: 'https://api.github.com/users/octocat/repos',
    events_url: 'https://api.github.com/users/octocat/events{/privacy}',
    received_events_url: 'https://api.github.com/users/octocat/received_events',
    type: 'User',
    site_admin: false,
  },
  body: 'Here is the body for the review.',
  state: 'APPROVED',
  html_url: 'https://github.com/octocat/Hello-World/pull/12#pullrequestreview-80',
  pull_request_url: 'https://api.github.com/repos/octocat/Hello-World/pulls/12',
  _links: {
    html: { href: 'https://github.com/octocat/Hello-World/pull/12#pullrequestreview-80' },
    pull_request: { href: 'https://api.github.com/repos/octocat/Hello-World/pulls/12' },
  },
  submitted_at: '2019-11-17T17:43:43Z',
  commit_id: HEAD,
  author_association: 'COLLABORATOR',
};

function validFile(): Record<string, unknown> {
  return {
    headSha: HEAD,
    author: { id: 900, login: 'pat-author', type: 'User' },
    pushers: [{ id: 900, login: 'pat-author' }, { id: 901 }],
    reviews: [structuredClone(GITHUB_REVIEW)],
    membership: {
      users: { octocat: 1, amara: 101 },
      teams: { 'northwind/security': [1, 102], 'northwind/cx-automation': [] },
    },
  };
}

function parse(data: unknown) {
  return parseReviewsFile('reviews.json', JSON.stringify(data, null, 2));
}

describe('parseReviewsFile', () => {
  it('accepts GitHub’s review objects as the API returns them', () => {
    const result = parse(validFile());
    expect(result.diagnostics).toEqual([]);
    expect(result.data?.reviews[0]).toMatchObject({
      id: 80,
      state: 'APPROVED',
      user: { id: 1, login: 'octocat' },
    });
  });

  it('gives evaluateSignoff what it needs', () => {
    const { data } = parse(validFile());
    const requirement = computeRequiredSignoff(
      radius([delta('a', { gained: [gained('crm/case.read')] })]),
      config({
        approverGroups: GROUPS,
        approvals: { rules: [{ name: 'd', require: [{ group: 'security', count: 1 }] }] },
      }),
    );
    const result = evaluateSignoff(requirement, data!.reviews, toSignoffContext(data!));
    expect(result.met).toBe(true);
    expect(result.requirements[0]!.approvedBy).toEqual([{ id: 1, login: 'octocat' }]);
  });

  it('accepts a deleted reviewer (null), a vanished commit (null) and a pending review without a time', () => {
    const file = validFile();
    file.reviews = [
      { ...GITHUB_REVIEW, id: 81, user: null },
      { ...GITHUB_REVIEW, id: 82, commit_id: null },
      { id: 83, user: GITHUB_REVIEW.user, state: 'PENDING', commit_id: HEAD },
    ];
    expect(parse(file).diagnostics).toEqual([]);
  });

  // Each case mutates free-form JSON, so the file is typed loosely on purpose.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Case = [string, (f: Record<string, any>) => void, string, string];
  const cases: Case[] = [
    ['a missing headSha', (f) => delete f.headSha, '', "is missing the required property 'headSha'"],
    [
      'a branch name as headSha',
      (f) => (f.headSha = 'main'),
      '/headSha',
      'not in the expected form: A git commit id',
    ],
    ['an unknown top-level property', (f) => (f.pull = 12), '/pull', "unknown property 'pull'"],
    [
      'a lower-case state',
      (f) => (f.reviews[0].state = 'approved'),
      '/reviews/0/state',
      'must be one of: APPROVED',
    ],
    [
      'a reviewer without a type',
      (f) => delete f.reviews[0].user.type,
      '/reviews/0/user',
      "missing the required property 'type'",
    ],
    [
      'a login as reviewer id',
      (f) => (f.reviews[0].user.id = 'octocat'),
      '/reviews/0/user/id',
      'must be an integer',
    ],
    [
      'a day that does not exist',
      (f) => (f.reviews[0].submitted_at = '2027-02-30T10:00:00Z'),
      '/reviews/0/submitted_at',
      'not an RFC 3339 date-time',
    ],
    [
      'a submitted review without a time',
      (f) => delete f.reviews[0].submitted_at,
      '/reviews/0',
      "missing the required property 'submitted_at'",
    ],
    [
      'a short commit id',
      (f) => (f.reviews[0].commit_id = 'ecdd80b'),
      '/reviews/0/commit_id',
      'not in the expected form',
    ],
    [
      'a team without its org',
      (f) => (f.membership.teams = { security: [1] }),
      '/membership/teams/security',
      "the name 'security'",
    ],
    [
      'a login mapped to a login',
      (f) => (f.membership.users.amara = 'amara'),
      '/membership/users/amara',
      'must be an integer',
    ],
    [
      'a member listed twice',
      (f) => (f.membership.teams['northwind/security'] = [1, 1]),
      '/membership/teams/northwind~1security',
      'duplicate',
    ],
    [
      'membership without teams',
      (f) => delete f.membership.teams,
      '/membership',
      "missing the required property 'teams'",
    ],
    [
      'one login twice in different case',
      (f) => (f.membership.users.Amara = 5),
      '/membership/users/Amara',
      "lists 'amara' and 'Amara'",
    ],
    [
      'a review id twice',
      (f) => f.reviews.push(structuredClone(GITHUB_REVIEW)),
      '/reviews/1/id',
      'review id 80 appears twice',
    ],
  ];
  it.each(cases)('rejects %s, at its JSON pointer with its line', (_, mutate, pointer, message) => {
    const file = validFile();
    mutate(file);
    const text = JSON.stringify(file, null, 2);
    const result = parseReviewsFile('pr/reviews.json', text);
    expect(result.data).toBeUndefined();
    expect(result.diagnostics.map((d) => d.pointer)).toEqual([pointer]);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ file: 'pr/reviews.json', severity: 'error' });
    expect(d!.message).toContain(message);
    expect(d!.range!.start.line).toBe(lineOf(text, pointer));
  });

  it('reports a file that is not JSON with its line and column', () => {
    const result = parseReviewsFile('reviews.json', '{\n  "headSha": "abc",\n  oops\n}');
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      ruleId: 'reviews-file',
      file: 'reviews.json',
      pointer: '',
    });
    expect(result.diagnostics[0]!.message).toMatch(/not valid JSON/);
    expect(result.diagnostics[0]!.range!.start.line).toBe(3);
  });
});

describe('readReviewsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-reviews-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and validates a file', async () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify(validFile()));
    const result = await readReviewsFile(path, 'ok.json');
    expect(result.diagnostics).toEqual([]);
    expect(result.data?.headSha).toBe(HEAD);
  });

  it('says when the file does not exist, or is not UTF-8', async () => {
    const missing = await readReviewsFile(join(dir, 'nope.json'), 'nope.json');
    expect(missing.diagnostics).toMatchObject([
      { ruleId: 'reviews-file', file: 'nope.json', message: 'the reviews file nope.json does not exist' },
    ]);
    const binary = join(dir, 'bin.json');
    writeFileSync(binary, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect((await readReviewsFile(binary)).diagnostics[0]!.message).toMatch(/not valid UTF-8/);
  });
});

// ---------------------------------------------------------------------------------------------
// The schema is held to the house rules of schemas/ (test/schema/schemas.test.ts): every property
// described and every object closed, except GitHub's own objects, which stay open on purpose so
// the API's answer passes straight through (and keeps passing when GitHub adds a field).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const OPEN_ON_PURPOSE = [
  '#/properties/pushers/items',
  '#/$defs/account',
  '#/$defs/review',
  '#/$defs/review/properties/user',
];

describe('schemas/reviews.schema.json', () => {
  const schema = readReviewsSchema() as { [key: string]: Json };
  const resolve = (ref: string): Json => {
    let node: Json | undefined = schema;
    for (const s of parsePointer(ref.slice(1))) node = isObject(node) ? node[s] : undefined;
    if (node === undefined) throw new Error(`unresolved ${ref}`);
    return node;
  };
  const described = (s: Json): boolean =>
    isObject(s) &&
    ((typeof s.description === 'string' && s.description !== '') ||
      (typeof s.$ref === 'string' && described(resolve(s.$ref))));
  const nodes: { at: string; schema: Json }[] = [];
  const visit = (s: Json, at: string, inIf = false) => {
    if (!inIf) nodes.push({ at, schema: s });
    if (!isObject(s)) return;
    for (const key of ['properties', '$defs'] as const) {
      const map = s[key];
      if (isObject(map))
        for (const [name, sub] of Object.entries(map)) visit(sub, `${at}/${key}/${name}`, inIf);
    }
    for (const key of ['items', 'additionalProperties', 'propertyNames'] as const)
      if (s[key] !== undefined) visit(s[key], `${at}/${key}`, inIf);
    if (s.if !== undefined) visit(s.if, `${at}/if`, true);
    if (s.then !== undefined) visit(s.then, `${at}/then`, true);
  };
  visit(schema, '#');

  it('describes every property, definition and map value', () => {
    const undescribed = nodes
      .filter((n) => /\/(properties\/[^/]+|\$defs\/[^/]+|additionalProperties|items)$/.test(n.at))
      .filter((n) => typeof n.schema !== 'boolean')
      .filter((n) => !described(n.schema))
      .map((n) => n.at);
    expect(undescribed).toEqual([]);
  });

  it('closes every object that lists properties, but GitHub’s own objects', () => {
    const open = nodes
      .filter(
        (n) =>
          isObject(n.schema) && n.schema.properties !== undefined && n.schema.additionalProperties !== false,
      )
      .map((n) => n.at);
    expect(open.sort()).toEqual([...OPEN_ON_PURPOSE].sort());
  });
});

/** The 1-based line a JSON pointer's key (or, for the root, the file) starts on in pretty-printed JSON. */
function lineOf(text: string, pointer: string): number {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return 1;
  // Walk down: find each key (or array element) in order after the previous one.
  const lines = text.split('\n');
  let from = 0;
  let depthIndent = 2;
  for (const segment of segments) {
    const isIndex = /^\d+$/.test(segment);
    if (isIndex) {
      let seen = -1;
      for (let i = from + 1; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.length - line.trimStart().length === depthIndent && !/^[\]}]/.test(line.trim())) seen++;
        if (seen === Number(segment)) {
          from = i;
          break;
        }
      }
    } else {
      const key = `${' '.repeat(depthIndent)}${JSON.stringify(segment)}:`;
      from = lines.findIndex((l, i) => i > from && l.startsWith(key));
    }
    depthIndent += 2;
  }
  return from + 1;
}
