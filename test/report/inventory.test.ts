import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/compile.js';
import type { Inventory } from '../../src/inventory/inventory.js';
import { buildInventory } from '../../src/inventory/inventory.js';
import type { SourceFile } from '../../src/model/document.js';
import { INVENTORY_FORMATTERS, csvField, escapeMarkdownText } from '../../src/report/inventory.js';
import { INVENTORY_CSV_COLUMNS } from '../../src/report/inventory-csv.js';
import { readPolicyDir } from '../../src/source/files.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { BASE_FILES, repoFiles } from '../helpers/policy-repo.js';

const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));
const SCHEMA = JSON.parse(
  readFileSync(new URL('../../schemas/inventory.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function inventoryOf(files: SourceFile[], now: Date): Inventory {
  const { index } = validatePolicyFiles({ files, diagnostics: [] }, { now });
  return buildInventory(index, compileModel(index, { now }), { now });
}

const EXAMPLE_NOW = new Date('2026-11-22T00:00:00Z');
const example = inventoryOf(readPolicyDir(POLICIES).files, EXAMPLE_NOW);

/** A small repository with something in every list: shared, suspended, unsponsored, overdue, expiring. */
const GOVERNANCE_NOW = new Date('2026-06-01T12:00:00Z');
const agent = (name: string, spec: string, grants = '') => `apiVersion: leash/v1
kind: Agent
metadata:
  name: ${name}
spec:
  owner: cx-team
  platform: internal
  environment: production
  tier: standard
${spec}${grants ? `  grants:\n${grants}` : ''}`;
const governance = inventoryOf(
  repoFiles({
    'tiers/standard.yaml': BASE_FILES['tiers/standard.yaml']! + '  reviewEvery: 30d\n',
    'agents/bot.yaml': BASE_FILES['agents/bot.yaml']!.replace(
      'tier: standard',
      'tier: standard\n  lastReviewed: 2026-05-20',
    ),
    'agents/refunder.yaml': agent(
      'refunder',
      '  sponsor: sam@example.com\n  lastReviewed: 2026-03-01\n  identity:\n    kind: api-key\n    credentialRef: vault://kv/shared\n',
      [
        '    - template: support',
        '    - system: crm',
        '      resource: case',
        '      actions: [refund]',
        '      mode: execute-gated',
        '      expires: 2026-06-10',
        '    - system: crm',
        '      resource: contact',
        '      actions: [update, delete]',
        '      mode: execute-limited',
        '      fields: [segment]',
        '      expires: 2026-05-01',
        '',
      ].join('\n'),
    ),
    'agents/twin.yaml': agent(
      'twin',
      '  status: suspended\n  identity:\n    kind: api-key\n    credentialRef: vault://kv/shared\n',
      '    - template: support\n',
    ).replace('environment: production', 'environment: staging'),
  }),
  GOVERNANCE_NOW,
);

describe('inventory formatters: snapshots', () => {
  for (const format of Object.keys(INVENTORY_FORMATTERS) as (keyof typeof INVENTORY_FORMATTERS)[]) {
    const ext = { text: 'txt', markdown: 'md', json: 'json', csv: 'csv' }[format];
    it(`${format}: the example repository`, async () => {
      await expect(INVENTORY_FORMATTERS[format](example, {})).toMatchFileSnapshot(
        `__snapshots__/inventory.example.${ext}`,
      );
    });
    it(`${format}: a repository with something in every list`, async () => {
      await expect(INVENTORY_FORMATTERS[format](governance, {})).toMatchFileSnapshot(
        `__snapshots__/inventory.governance.${ext}`,
      );
    });
  }

  it('the governance fixture does fill every list', () => {
    const f = governance.figures;
    expect(f.sharedCredentials).toHaveLength(1);
    expect(f.expiry.expired).toHaveLength(1);
    expect(f.expiry.soonExpiring).toHaveLength(1);
    expect(f.accountability.withoutSponsor).toEqual(['twin']);
    expect(f.accountability.reviewOverdue.map((r) => r.agent)).toEqual(['refunder']);
    expect(governance.agents.find((a) => a.name === 'twin')!.status).toBe('suspended');
  });

  it('text: colours only when asked', () => {
    expect(INVENTORY_FORMATTERS.text(governance, {})).not.toContain('\u001b');
    expect(INVENTORY_FORMATTERS.text(governance, { color: true })).toContain('\u001b[1mAgent inventory');
  });
});

describe('inventory json', () => {
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  const validate = ajv.compile(SCHEMA);

  it.each([
    ['the example', example],
    ['the governance fixture', governance],
  ])('validates against schemas/inventory.schema.json: %s', (_name, inventory) => {
    const json: unknown = JSON.parse(INVENTORY_FORMATTERS.json(inventory, {}));
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true);
    expect(json).toMatchObject({ formatVersion: 1 });
  });

  it('the schema refuses what it should (it is not a rubber stamp)', () => {
    const json = JSON.parse(INVENTORY_FORMATTERS.json(governance, {})) as {
      agents: Record<string, unknown>[];
      figures: { stalePermissions: { percent: unknown } };
    };
    expect(validate({ ...json, extra: 1 })).toBe(false);
    expect(validate({ ...json, formatVersion: 2 })).toBe(false);
    const noSponsor = structuredClone(json);
    delete noSponsor.agents[0]!.sponsor;
    expect(validate(noSponsor)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/agents/0');
    const nanPercent = structuredClone(json);
    nanPercent.figures.stalePermissions.percent = 'NaN';
    expect(validate(nanPercent)).toBe(false);
  });

  it('the schema describes every property, allows no others and requires every one', () => {
    const problems: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      if (schema.properties) {
        const props = schema.properties as Record<string, Record<string, unknown>>;
        if (schema.additionalProperties !== false) problems.push(`${path}: additionalProperties`);
        const required = (schema.required as string[] | undefined) ?? [];
        for (const [key, sub] of Object.entries(props)) {
          if (typeof sub.description !== 'string' || sub.description === '')
            problems.push(`${path}/properties/${key}: description`);
          if (!required.includes(key)) problems.push(`${path}/properties/${key}: not required`);
        }
      }
      for (const [key, value] of Object.entries(schema)) walk(value, `${path}/${key}`);
    };
    walk(SCHEMA, '#');
    for (const [name, def] of Object.entries(SCHEMA.$defs as Record<string, Record<string, unknown>>)) {
      if (typeof def.description !== 'string') problems.push(`#/$defs/${name}: description`);
    }
    expect(problems).toEqual([]);
  });
});

/** An RFC 4180 reader, independent of the writer: quoted and bare fields, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** The governance inventory with hostile values in every user-controlled text field of its first agent. */
function hostile(values: Partial<Inventory['agents'][number]>): Inventory {
  const inv = structuredClone(governance);
  Object.assign(inv.agents[0]!, values);
  return inv;
}

describe('inventory csv', () => {
  it('is RFC 4180: a header, one quoted record per agent, CRLF line breaks', () => {
    const text = INVENTORY_FORMATTERS.csv(governance, {});
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(INVENTORY_CSV_COLUMNS.map(([h]) => h));
    expect(rows.slice(1).map((r) => r[0])).toEqual(governance.agents.map((a) => a.name));
    for (const row of rows) expect(row).toHaveLength(INVENTORY_CSV_COLUMNS.length);
    for (const line of text.split('\r\n').slice(0, -1))
      expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
    const refunder = Object.fromEntries(
      rows[0]!.map((h, i) => [h, rows[governance.agents.findIndex((a) => a.name === 'refunder') + 1]![i]]),
    );
    expect(refunder).toMatchObject({
      sponsor: 'sam@example.com',
      credential_ref: 'vault://kv/shared',
      systems: 'crm',
      critical_actions: 'crm/case.refund (execute-gated)',
      review_overdue: 'true',
    });
  });

  it('doubles embedded quotes and keeps commas and line breaks inside the field', () => {
    const inv = hostile({ owner: 'a "quoted", team\r\nsecond line', sponsor: 'x,y' });
    const rows = parseCsv(INVENTORY_FORMATTERS.csv(inv, {}));
    expect(rows).toHaveLength(governance.agents.length + 1);
    const header = rows[0]!;
    expect(rows[1]![header.indexOf('owner')]).toBe('a "quoted", team\r\nsecond line');
    expect(rows[1]![header.indexOf('sponsor')]).toBe('x,y');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'neutralises a formula: %j',
    (value) => {
      expect(csvField(value)).toBe(`"'${value.replace(/"/g, '""')}"`);
      const rows = parseCsv(INVENTORY_FORMATTERS.csv(hostile({ sponsor: value, owner: value }), {}));
      const header = rows[0]!;
      expect(rows[1]![header.indexOf('sponsor')]).toBe(`'${value}`);
      expect(rows[1]![header.indexOf('owner')]).toBe(`'${value}`);
    },
  );

  it('leaves harmless values alone', () => {
    expect(csvField('vault://kv/a=b')).toBe('"vault://kv/a=b"');
    expect(csvField('a-b')).toBe('"a-b"');
    expect(csvField('')).toBe('""');
  });
});

describe('inventory markdown escaping', () => {
  it('escapes markdown and HTML in user text', () => {
    const out = escapeMarkdownText('<img src=x onerror=alert(1)> *b* _i_ `c` [l](u) a|b ~s~ \\ $x$ !');
    // '!' is harmless once '[' is escaped: no image can open.
    expect(out).not.toMatch(/[<>*_`[\]|~\\$]/);
    expect(out).not.toContain('![');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('a&#124;b');
  });

  it('breaks mentions, issue references and autolinks', () => {
    expect(escapeMarkdownText('@security-team')).toBe('@\u200dsecurity-team');
    expect(escapeMarkdownText('#12')).toBe('#\u200d12');
    expect(escapeMarkdownText('https://evil.example')).toBe('https:\u200d//evil.example');
    expect(escapeMarkdownText('WWW.evil.example')).toBe('WWW\u200d.evil.example');
  });

  it('keeps a hostile value inside its table cell and on its line', () => {
    const inv = hostile({
      name: 'a|b',
      owner: 'x\n| injected | row |',
      sponsor: '<script>alert(1)</script>',
      platform: '\u001b[31mred\u202e',
      credentialRef: '[click](javascript:alert(1))',
    });
    const md = INVENTORY_FORMATTERS.markdown(inv, {});
    for (const raw of ['<script', '\u001b', '\u202e', '](']) expect(md).not.toContain(raw);
    const lines = md.split('\n');
    const header = lines.find((l) => l.startsWith('| Agent | Status'))!;
    const row = lines[lines.indexOf(header) + 2]!;
    // An unescaped pipe is a cell border: the hostile row has exactly as many as the header.
    const borders = (l: string) => l.split('|').length;
    expect(borders(row)).toBe(borders(header));
    expect(row).toContain('a&#124;b');
    expect(row).toContain('&lt;script&gt;');
    expect(lines.some((l) => l.startsWith('| injected'))).toBe(false);
  });

  it('text output strips control characters from user text', () => {
    const text = INVENTORY_FORMATTERS.text(hostile({ owner: 'x\u001b[2J\ny', platform: 'p\u202eq' }), {});
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('x\ufffd[2J\ufffdy');
  });
});
