// Generates src/model/generated.ts from schemas/*.schema.json. The drift test runs the same
// generator and compares, so a schema edit without `npm run gen:types` fails the tests.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSchemaTypes } from './schema-types.mjs';

const out = fileURLToPath(new URL('../src/model/generated.ts', import.meta.url));
writeFileSync(out, await generateSchemaTypes());
console.log(`wrote ${out}`);
