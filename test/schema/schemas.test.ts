import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePointer } from '../../src/model/diagnostic.js';
import type { Kind } from '../../src/model/modes.js';
import { AGENT_STATUSES, MODES, MODES_BY_AUTHORITY, RISKS } from '../../src/model/modes.js';
import { SCHEMA_FILES, readSchema } from '../../src/schema/schemas.js';
import { validateAgainstSchema } from '../../src/schema/validate-schema.js';
import { parsePolicyYaml } from '../../src/source/parse.js';

// Fixtures live in test/fixtures/schema/{valid,invalid}/<kind folder>/*.yaml. An invalid
// fixture says what it expects in header comments, so adding one needs no code:
//   # expect: <JSON pointer> [text the message contains]    (one line per rejected pointer; "" is the root)
//   # known-bug: <what is wrong>    (the expectation is right and the code is not yet: the test is
//                                    marked failing, and starts failing for real once the bug is fixed)

const FIXTURES = new URL('../fixtures/schema/', import.meta.url);
const KIND_FOLDERS: Record<string, Kind> = {
  agent: 'Agent',
  template: 'Template',
  'risk-tier': 'RiskTier',
  system: 'System',
  config: 'Config',
};

interface Expectation {
  pointer: string;
  message?: string;
}

interface Fixture {
  name: string;
  kind: Kind;
  path: string;
  text: string;
  expects: Expectation[];
  knownBug?: string;
}

function readFixtures(validity: 'valid' | 'invalid', folder: string): Fixture[] {
  const dir = new URL(`${validity}/${folder}/`, FIXTURES);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const header = text.split('\n').filter((line) => line.startsWith('#'));
      const expects = header.flatMap((line): Expectation[] => {
        const m = /^# expect: (""|\S+)(?: (.+))?$/.exec(line);
        if (!m) return [];
        return [{ pointer: m[1] === '""' ? '' : m[1]!, ...(m[2] ? { message: m[2] } : {}) }];
      });
      const knownBug = header
        .map((line) => /^# known-bug: (.+)$/.exec(line)?.[1])
        .find((b) => b !== undefined);
      return {
        name: file.replace(/\.yaml$/, ''),
        kind: KIND_FOLDERS[folder]!,
        path: `${validity}/${folder}/${file}`,
        text,
        expects,
        ...(knownBug ? { knownBug } : {}),
      };
    });
}

function parseFixture(fixture: Fixture): unknown {
  const parsed = parsePolicyYaml(fixture.path, fixture.text);
  // A fixture that does not parse would test the parser, not the schema.
  expect(parsed.diagnostics, `${fixture.path} must be well-formed YAML`).toEqual([]);
  return parsed.data;
}

describe.each(Object.keys(KIND_FOLDERS))('%s schema fixtures', (folder) => {
  const valid = readFixtures('valid', folder);
  const invalid = readFixtures('invalid', folder);

  it('has several valid and invalid fixtures', () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(invalid.length).toBeGreaterThanOrEqual(8);
  });

  describe('valid', () => {
    it.each(valid.map((f) => [f.name, f] as const))('%s has no schema diagnostics', (_, fixture) => {
      expect(fixture.expects, 'a valid fixture expects nothing').toEqual([]);
      expect(validateAgainstSchema(fixture.kind, fixture.path, parseFixture(fixture))).toEqual([]);
    });
  });

  describe('invalid', () => {
    for (const fixture of invalid) {
      const test = fixture.knownBug ? it.fails : it;
      const title = fixture.knownBug ? `${fixture.name} (known bug: ${fixture.knownBug})` : fixture.name;
      test(`${title} is rejected exactly at ${fixture.expects.map((e) => e.pointer || '(root)').join(', ')}`, () => {
        expect(
          fixture.expects.length,
          `${fixture.path} needs an '# expect: <pointer>' header`,
        ).toBeGreaterThan(0);
        const diagnostics = validateAgainstSchema(fixture.kind, fixture.path, parseFixture(fixture));
        expect(new Set(diagnostics.map((d) => d.ruleId))).toEqual(new Set(['schema']));
        expect([...new Set(diagnostics.map((d) => d.pointer))].sort()).toEqual(
          [...new Set(fixture.expects.map((e) => e.pointer))].sort(),
        );
        for (const { pointer, message } of fixture.expects) {
          if (message === undefined) continue;
          const messages = diagnostics.filter((d) => d.pointer === pointer).map((d) => d.message);
          expect(
            messages.some((m) => m.includes(message)),
            `a message at ${pointer} containing "${message}"; got ${JSON.stringify(messages)}`,
          ).toBe(true);
        }
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The schemas themselves.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SCHEMAS = new Map<string, JsonObject>(
  (Object.entries(SCHEMA_FILES) as [Kind | 'common', string][]).map(([kind, file]) => [
    file,
    readSchema(kind) as JsonObject,
  ]),
);

/** The schema a $ref points at, with the file it lives in; throws when it does not resolve. */
function resolveRef(ref: string, file: string): { schema: Json; file: string } {
  const [target = '', fragment = ''] = ref.split('#');
  const targetFile = target === '' ? file : target;
  let node: Json | undefined = SCHEMAS.get(targetFile);
  for (const segment of parsePointer(fragment)) node = isObject(node) ? node[segment] : undefined;
  if (node === undefined) throw new Error(`${file}: $ref '${ref}' does not resolve`);
  return { schema: node, file: targetFile };
}

/** Whether a schema has a description itself or through the schema it refers to. */
function isDescribed(schema: Json, file: string): boolean {
  if (!isObject(schema)) return false;
  if (typeof schema.description === 'string' && schema.description.trim() !== '') return true;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, file);
    return isDescribed(target.schema, target.file);
  }
  return false;
}

interface SchemaNode {
  schema: Json;
  file: string;
  /** Where the node is, as file#pointer. */
  at: string;
  /** Reached as an if condition: conditions test, they do not declare. */
  inCondition: boolean;
}

/** Every subschema of every shipped schema, depth first. */
function allSchemaNodes(): SchemaNode[] {
  const out: SchemaNode[] = [];
  const visit = (node: SchemaNode) => {
    out.push(node);
    const { schema, file, at } = node;
    if (!isObject(schema)) return;
    if (typeof schema.$ref === 'string') resolveRef(schema.$ref, file);
    const child = (sub: Json, path: string, flags: Partial<SchemaNode> = {}) =>
      visit({ schema: sub, file, at: `${at}/${path}`, inCondition: node.inCondition, ...flags });
    for (const key of ['properties', '$defs'] as const) {
      const map = schema[key];
      if (isObject(map)) for (const [name, sub] of Object.entries(map)) child(sub, `${key}/${name}`);
    }
    for (const key of ['additionalProperties', 'items', 'propertyNames', 'not'] as const) {
      if (schema[key] !== undefined) child(schema[key], key);
    }
    if (schema.if !== undefined) child(schema.if, 'if', { inCondition: true });
    if (schema.then !== undefined) child(schema.then, 'then');
    if (schema.else !== undefined) child(schema.else, 'else');
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = schema[key];
      if (Array.isArray(list)) list.forEach((sub, i) => child(sub, `${key}/${i}`));
    }
  };
  for (const [file, schema] of SCHEMAS) visit({ schema, file, at: `${file}#`, inCondition: false });
  return out;
}

// Known gaps, as file#pointer. Each entry is a bug in schemas/: fix the schema and delete the entry
// (the test fails until both are done, so the list can only shrink).
const KNOWN_UNDESCRIBED: readonly string[] = [];

describe('the JSON Schemas', () => {
  const nodes = allSchemaNodes();

  it('are all found and every $ref resolves', () => {
    expect([...SCHEMAS.keys()].sort()).toEqual(Object.values(SCHEMA_FILES).sort());
    expect(nodes.length).toBeGreaterThan(100);
  });

  it('describe every document kind at the top', () => {
    for (const [file, schema] of SCHEMAS) {
      expect(typeof schema.title, file).toBe('string');
      expect(isDescribed(schema, file), file).toBe(true);
    }
  });

  it('describe every property, definition and map value', () => {
    const undescribed = nodes
      .filter((n) => !n.inCondition && /\/(properties\/[^/]+|\$defs\/[^/]+|additionalProperties)$/.test(n.at))
      // A then/else branch may restate a property with `true`: its parent schema describes it.
      .filter((n) => !(n.schema === true && /\/(then|else)\/properties\/[^/]+$/.test(n.at)))
      .filter((n) => !(n.schema === false && n.at.endsWith('/additionalProperties')))
      .filter((n) => !isDescribed(n.schema, n.file))
      .map((n) => n.at);
    expect(undescribed).toEqual(KNOWN_UNDESCRIBED);
  });

  it('close every object that lists properties (additionalProperties: false)', () => {
    const open = nodes
      .filter((n) => !n.inCondition && isObject(n.schema) && n.schema.properties !== undefined)
      .filter((n) => {
        const schema = n.schema as JsonObject;
        if (schema.additionalProperties === false) return false;
        // A schema that closes itself in both branches of an if/then/else is closed.
        const closes = (branch: Json | undefined) =>
          isObject(branch) && branch.additionalProperties === false;
        if (schema.additionalProperties !== undefined) return true;
        if (closes(schema.then) && closes(schema.else)) return false;
        // An allOf of if/then per discriminator value (target types) closes in every then.
        const allOf = schema.allOf;
        return !(
          Array.isArray(allOf) &&
          allOf.length > 0 &&
          allOf.every((entry) => isObject(entry) && closes(entry.then))
        );
      })
      .map((n) => n.at);
    expect(open).toEqual([]);
  });

  it('name the six modes of src/model/modes.ts, in the same order', () => {
    expect(resolveRef('#/$defs/mode/enum', SCHEMA_FILES.common).schema).toEqual([...MODES]);
  });

  it('list modes by authority in the order MODES_BY_AUTHORITY holds', () => {
    // The order is prose in two descriptions; read it back as the order the names first appear in.
    const order = (text: Json) =>
      [
        ...String(text).matchAll(
          /(?:escalate|read-only|recommend-only|draft-only|execute-gated|execute-limited)/g,
        ),
      ]
        .map((m) => m[0])
        .filter((m, i, all) => all.indexOf(m) === i);
    expect(order(resolveRef('#/$defs/mode/description', SCHEMA_FILES.common).schema)).toEqual(
      MODES_BY_AUTHORITY,
    );
    expect(
      order(resolveRef('#/properties/spec/properties/maxMode/description', SCHEMA_FILES.RiskTier).schema),
    ).toEqual(MODES_BY_AUTHORITY);
  });

  it('name the risks and agent statuses of src/model/modes.ts, in the same order', () => {
    expect(resolveRef('#/$defs/risk/enum', SCHEMA_FILES.common).schema).toEqual([...RISKS]);
    expect(resolveRef('#/properties/spec/properties/status/enum', SCHEMA_FILES.Agent).schema).toEqual([
      ...AGENT_STATUSES,
    ]);
  });
});
