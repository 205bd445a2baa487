// The floor: read every JSON file, JSON.parse it and validate it with one Ajv instance.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const dir = process.argv[2];
const schemas = new URL('../schemas/', import.meta.url);
const load = (f) => JSON.parse(readFileSync(new URL(f, schemas), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(load('common.schema.json'));
const v = {
  agents: ajv.compile(load('agent.schema.json')),
  templates: ajv.compile(load('template.schema.json')),
  tiers: ajv.compile(load('risk-tier.schema.json')),
  systems: ajv.compile(load('system.schema.json')),
};
let invalid = 0;
for (const [folder, validate] of Object.entries(v)) {
  for (const f of readdirSync(join(dir, folder))) {
    if (!validate(JSON.parse(readFileSync(join(dir, folder, f), 'utf8')))) invalid++;
  }
}
console.log(invalid);
