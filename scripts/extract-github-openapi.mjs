#!/usr/bin/env node
// Extracts the few GitHub REST operations leash uses from GitHub's published OpenAPI
// description (`api.github.com.deref.json` from the npm package @octokit/openapi, which is
// deliberately NOT a dependency) into test/fixtures/github-openapi/extract.json. The local
// GitHub API server in test/helpers/github-api-server.ts validates every request and
// response against that extract.
//
// Usage:
//   cd /tmp && npm pack @octokit/openapi@23 && tar xzf octokit-openapi-*.tgz
//   node scripts/extract-github-openapi.mjs /tmp/package/generated/api.github.com.deref.json
//
// The package version is read from the package.json two folders above the description (or
// pass it with --version X.Y.Z). The output is deterministic: keys are sorted, examples and
// multi-line descriptions are dropped, `readOnly` and `nullable` are kept as published.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The operations leash calls, by method and path template. */
export const OPERATIONS = [
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits'],
  ['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}'],
  ['POST', '/repos/{owner}/{repo}/statuses/{sha}'],
  ['GET', '/users/{username}'],
  ['GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls'],
  ['POST', '/repos/{owner}/{repo}/pulls'],
  ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
];

/** Schema keywords kept as they are (their values are not schemas). */
const PLAIN_KEYWORDS = new Set([
  'type',
  'required',
  'enum',
  'const',
  'format',
  'nullable',
  'readOnly',
  'writeOnly',
  'deprecated',
  'default',
  'title',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
]);

const MAX_DESCRIPTION = 160;

function shortDescription(text) {
  return typeof text === 'string' && !text.includes('\n') && text.length <= MAX_DESCRIPTION
    ? text
    : undefined;
}

/** Trims one (already dereferenced) schema to the keywords validation and readers need. */
export function trimSchema(schema) {
  if (typeof schema === 'boolean') return schema;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new Error(`not a schema: ${JSON.stringify(schema)?.slice(0, 80)}`);
  }
  if ('$ref' in schema) throw new Error(`unresolved $ref ${schema.$ref}: pass the .deref.json file`);
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (PLAIN_KEYWORDS.has(key)) out[key] = value;
    else if (key === 'description') {
      const d = shortDescription(value);
      if (d !== undefined) out.description = d;
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trimSchema(v)]));
    } else if (key === 'items' || key === 'not') out[key] = trimSchema(value);
    else if (key === 'additionalProperties') {
      out[key] = typeof value === 'boolean' ? value : trimSchema(value);
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') out[key] = value.map(trimSchema);
    // example, examples, externalDocs, x-* and other annotations are dropped.
  }
  return out;
}

function trimParameter(p) {
  if ('$ref' in p) throw new Error(`unresolved parameter $ref ${p.$ref}`);
  const out = { in: p.in, name: p.name, required: p.required === true, schema: trimSchema(p.schema ?? {}) };
  const d = shortDescription(p.description);
  if (d !== undefined) out.description = d;
  return out;
}

function trimContent(content) {
  if (!content) return undefined;
  return Object.fromEntries(
    Object.entries(content).map(([type, media]) => [type, { schema: trimSchema(media.schema ?? {}) }]),
  );
}

function trimOperation(method, path, op) {
  const out = {
    method,
    path,
    operationId: op.operationId,
    parameters: (op.parameters ?? []).map(trimParameter),
    responses: {},
  };
  if (op.requestBody) {
    out.requestBody = {
      required: op.requestBody.required === true,
      content: trimContent(op.requestBody.content),
    };
  }
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const r = { description: shortDescription(response.description) ?? '' };
    if (response.headers) {
      r.headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, h]) => [name, { schema: trimSchema(h.schema ?? {}) }]),
      );
    }
    const content = trimContent(response.content);
    if (content) r.content = content;
    out.responses[status] = r;
  }
  return out;
}

/** Recursively sorts object keys (arrays keep their order) so the output is deterministic. */
export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

export function extract(description, version) {
  const operations = {};
  for (const [method, path] of OPERATIONS) {
    const op = description.paths?.[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`operation ${method} ${path} is not in the description`);
    operations[`${method} ${path}`] = trimOperation(method, path, op);
  }
  return sortKeys({
    source: {
      package: '@octokit/openapi',
      version,
      file: 'generated/api.github.com.deref.json',
      openapi: description.openapi,
      info: { title: description.info?.title, version: description.info?.version },
    },
    operations,
  });
}

async function main(argv) {
  const args = argv.slice(2);
  let version;
  const vi = args.indexOf('--version');
  if (vi >= 0) {
    version = args[vi + 1];
    args.splice(vi, 2);
  }
  const input = args[0];
  if (!input) {
    console.error(
      'usage: node scripts/extract-github-openapi.mjs <api.github.com.deref.json> [--version X.Y.Z] [out]',
    );
    process.exit(2);
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(args[1] ?? join(here, '..', 'test', 'fixtures', 'github-openapi', 'extract.json'));
  if (!version) {
    const pkg = join(dirname(resolve(input)), '..', 'package.json');
    if (!existsSync(pkg)) throw new Error(`cannot find ${pkg}: pass --version`);
    const meta = JSON.parse(readFileSync(pkg, 'utf8'));
    if (meta.name !== '@octokit/openapi') throw new Error(`${pkg} is ${meta.name}, not @octokit/openapi`);
    version = meta.version;
  }
  const description = JSON.parse(readFileSync(input, 'utf8'));
  const result = extract(description, version);
  mkdirSync(dirname(out), { recursive: true });
  let text = JSON.stringify(result, null, 2) + '\n';
  try {
    // Format as the repository's prettier would, so `prettier --check` stays green.
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(out)) ?? {};
    text = await prettier.format(text, { ...options, filepath: out });
  } catch {
    // prettier is a dev dependency; without it the plain JSON.stringify output is kept.
  }
  writeFileSync(out, text);
  console.log(
    `wrote ${out} (${OPERATIONS.length} operations, ${text.length} bytes, @octokit/openapi ${version})`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv);
