import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../../scripts/action-readme.mjs';

describe("README's Action section", () => {
  it('is generated from action.yml (run `npm run gen:readme`)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme === renderReadme(readme), 'README.md is stale: run npm run gen:readme').toBe(true);
  });
});
