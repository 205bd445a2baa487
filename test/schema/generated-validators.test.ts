import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateValidatorsCode } from '../../scripts/validators-code.mjs';

describe('src/schema/validators.generated.js', () => {
  it('is what the schemas generate (run `npm run gen:validators` after editing schemas/)', () => {
    const committed = readFileSync(
      new URL('../../src/schema/validators.generated.js', import.meta.url),
      'utf8',
    );
    expect(
      committed === generateValidatorsCode(),
      'src/schema/validators.generated.js is stale: run `npm run gen:validators`',
    ).toBe(true);
  });
});
