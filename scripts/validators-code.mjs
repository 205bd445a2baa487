import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';

const dir = new URL('../schemas/', import.meta.url);
const read = (f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
const KINDS = {
  Agent: 'agent',
  Template: 'template',
  RiskTier: 'risk-tier',
  System: 'system',
  Config: 'config',
};

/**
 * The schema validators as standalone code: compiling the schemas with Ajv costs ~200 ms at
 * every start, loading this module a few. Options must match src/schema/validate-schema.ts's
 * needs (allErrors and verbose for readable messages). The drift test regenerates and compares.
 */
export function generateValidatorsCode() {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    verbose: true,
    code: { source: true, esm: true, optimize: true, formats: _`leashFormats` },
  });
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  // The function itself lives in formats.js; here only its name matters.
  ajv.addFormat('leash-date', { type: 'string', validate: () => true });
  ajv.addSchema(read('common.schema.json'));
  const ids = {};
  for (const [kind, file] of Object.entries(KINDS)) {
    const schema = read(`${file}.schema.json`);
    ajv.addSchema(schema);
    ids[kind] = schema.$id;
  }
  // Ajv's ESM output still require()s its runtime helpers: turn those into imports.
  const imports = [];
  // Node gives a CommonJS module's exports object as the default import, bundlers and vitest
  // may give exports.default: accept either.
  const code = standaloneCode
    .default(ajv, ids)
    .replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/g, (_m, mod) => {
      const name = `ajvRuntime${imports.length}`;
      imports.push(
        `import ${name}Module from '${mod}.js';`,
        `const ${name} = typeof ${name}Module === 'function' ? ${name}Module : ${name}Module.default;`,
      );
      return name;
    });
  return [
    '// Generated from schemas/*.schema.json by `npm run gen:validators`. Do not edit by hand.',
    "import { leashFormats } from './formats.js';",
    ...imports,
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}
