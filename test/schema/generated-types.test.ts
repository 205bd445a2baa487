import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The generator is plain JavaScript run by `npm run gen:types`; importing it through a URL keeps
// the type-checker from asking for a declaration file for an .mjs script.
const GENERATOR = new URL('../../scripts/schema-types.mjs', import.meta.url);
const COMMITTED = new URL('../../src/model/generated.ts', import.meta.url);

interface Generator {
  generateSchemaTypes(): Promise<string>;
}

describe('src/model/generated.ts', () => {
  it('is what the generator makes of schemas/*.schema.json today', async () => {
    const { generateSchemaTypes } = (await import(GENERATOR.href)) as Generator;
    const generated = await generateSchemaTypes();
    expect(
      readFileSync(COMMITTED, 'utf8'),
      'src/model/generated.ts is out of date with schemas/*.schema.json: run `npm run gen:types` and commit the result',
    ).toBe(generated);
  });
});
