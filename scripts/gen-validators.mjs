import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateValidatorsCode } from './validators-code.mjs';

const out = fileURLToPath(new URL('../src/schema/validators.generated.js', import.meta.url));
writeFileSync(out, generateValidatorsCode());
console.log(`wrote ${out}`);
