import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compileModel } from '../../src/compile/compile.js';
import { locateModelSources } from '../../src/compile/provenance.js';
import { readPolicyDir } from '../../src/source/files.js';
import { validatePolicyFiles } from '../../src/validate.js';
import { BASE_FILES, TEST_NOW, repoFiles } from '../helpers/policy-repo.js';

function compile(overrides: Record<string, string | null>, now = TEST_NOW) {
  const result = validatePolicyFiles({ files: repoFiles(overrides), diagnostics: [] }, { now });
  return { model: locateModelSources(compileModel(result.index, { now }), result.files), result };
}

const agent = (grants: string, extra = '') =>
  BASE_FILES['agents/bot.yaml']!.replace(/ {2}grants:\n[\s\S]*$/, `${extra}  grants:\n${grants}`);

describe('compileModel', () => {
  it('flattens inline and template grants into sorted permissions with provenance', () => {
    const { model } = compile({});
    const bot = model.agents.find((a) => a.name === 'bot')!;
    expect(bot.permissions.map((p) => `${p.system}/${p.resource}.${p.action}:${p.mode}`)).toEqual([
      'crm/case.create:execute-limited',
      'crm/case.read:execute-limited',
      'crm/contact.read:read-only',
    ]);
    const create = bot.permissions[0]!;
    expect(create.sources).toEqual([
      {
        file: 'templates/support.yaml',
        pointer: '/spec/grants/0',
        line: 7,
        resourcePattern: 'case',
        template: { name: 'support', file: 'agents/bot.yaml', pointer: '/spec/grants/0', line: 15 },
      },
    ]);
    const read = bot.permissions[2]!;
    expect(read).toMatchObject({ risk: 'low', effect: 'read', reversible: true, dataClasses: ['pii'] });
    expect(read.sources[0]).toMatchObject({ file: 'agents/bot.yaml', line: 16 });
    expect(bot).toMatchObject({
      production: true,
      status: 'active',
      templates: ['support'],
      tier: 'standard',
    });
  });

  it('merges grants of the same action into the most they allow together', () => {
    const { model } = compile({
      'agents/bot.yaml': agent(`    - system: crm
      resource: contact
      actions: [update]
      mode: draft-only
      fields: [email]
      expires: 2026-07-01
      when: { rateLimit: { count: 5, per: hour } }
    - system: crm
      resource: 'c*'
      actions: [update]
      mode: execute-gated
      fields: [name]
      expires: 2026-08-01
`),
    });
    const [update] = model.agents[0]!.permissions.filter((p) => p.resource === 'contact');
    expect(update).toMatchObject({ mode: 'execute-gated', fields: ['email', 'name'], expires: '2026-08-01' });
    expect(update!.conditions).toBeUndefined();
    expect(update!.sources.map((s) => s.resourcePattern)).toEqual(['contact', 'c*']);
    expect(update!.dataClasses).toEqual(['pii']);
  });

  it('drops expired grants as of now, and suspended or revoked agents hold nothing', () => {
    const expiring = agent(`    - system: crm
      resource: contact
      actions: [read]
      mode: read-only
      expires: 2026-06-30
`);
    expect(compile({ 'agents/bot.yaml': expiring }).model.agents[0]!.permissions).toHaveLength(1);
    expect(
      compile({ 'agents/bot.yaml': expiring }, new Date('2026-07-01T00:00:00Z')).model.agents[0]!.permissions,
    ).toEqual([]);
    for (const status of ['suspended', 'revoked']) {
      const { model } = compile({
        'agents/bot.yaml': agent('    - template: support\n', `  status: ${status}\n`),
      });
      expect(model.agents[0]).toMatchObject({ status, permissions: [] });
    }
  });

  it('is deterministic and matches schemas/effective-model.schema.json on the example repository', () => {
    const now = new Date('2026-11-22T00:00:00Z');
    const result = validatePolicyFiles(readPolicyDir('policies'), { now });
    const a = JSON.stringify(locateModelSources(compileModel(result.index, { now }), result.files));
    const b = JSON.stringify(locateModelSources(compileModel(result.index, { now }), result.files));
    expect(a).toBe(b);
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync('schemas/effective-model.schema.json', 'utf8')));
    expect(validate(JSON.parse(a)), JSON.stringify(validate.errors)).toBe(true);
    const model = JSON.parse(a) as ReturnType<typeof compileModel>;
    expect(model.agents.length).toBeGreaterThanOrEqual(8);
    expect(model.agents.every((x) => x.permissions.every((p) => p.sources.every((s) => s.line! >= 1)))).toBe(
      true,
    );
  });
});
