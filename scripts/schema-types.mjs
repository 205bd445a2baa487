import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const schemaDir = fileURLToPath(new URL('../schemas/', import.meta.url));
const kinds = ['agent', 'template', 'risk-tier', 'system', 'config'];
// Every shared definition gets a named type, referenced or not.
const commonDefs = ['metadata', 'grant', 'templateRef'];

/** Returns the TypeScript source for every kind's schema, deterministic for a given input. */
export async function generateSchemaTypes() {
  const parts = ['// Generated from schemas/*.schema.json by `npm run gen:types`. Do not edit by hand.', ''];
  const seen = new Set();
  const common = {
    title: 'Common',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(commonDefs.map((d) => [d, { $ref: `common.schema.json#/$defs/${d}` }])),
  };
  for (const kind of ['common', ...kinds]) {
    const schema =
      kind === 'common' ? common : JSON.parse(readFileSync(`${schemaDir}${kind}.schema.json`, 'utf8'));
    const ts = await compile(schema, kind === 'common' ? 'Common' : schema.title, {
      cwd: schemaDir,
      bannerComment: '',
      additionalProperties: false,
      declareExternallyReferenced: true,
      format: true,
      style: { singleQuote: true, printWidth: 110, trailingComma: 'all' },
      $refOptions: { resolve: { http: false, external: true } },
    });
    // Shared definitions appear once per schema that references them: keep the first copy.
    for (const block of ts.split(/\n(?=(?:\/\*\*[\s\S]*?\*\/\n)?export )/)) {
      const m = /export (?:type|interface) (\w+)/.exec(block);
      if (m && (seen.has(m[1]) || m[1] === 'Common')) continue;
      if (m) seen.add(m[1]);
      parts.push(block.trim(), '');
    }
  }
  return parts.join('\n');
}
