import type { BlastRadius } from '../diff/types.js';
import type { BlastFormatOptions } from './blast-common.js';
import { formatBlastJson } from './blast-json.js';
import { formatBlastMarkdown } from './blast-markdown.js';
import { formatBlastText } from './blast-text.js';

export type { BlastFormatOptions } from './blast-common.js';
export { DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT } from './blast-common.js';
export { BLAST_RADIUS_MARKER, formatBlastMarkdown } from './blast-markdown.js';
export { formatBlastJson } from './blast-json.js';
export { formatBlastText } from './blast-text.js';

/** Blast-radius formatters by name (`leash diff --format`): pure functions from a radius to a string. */
export const BLAST_FORMATTERS = {
  text: formatBlastText,
  json: formatBlastJson,
  markdown: formatBlastMarkdown,
} as const satisfies Record<string, (radius: BlastRadius, options: BlastFormatOptions) => string>;

export type BlastFormat = keyof typeof BLAST_FORMATTERS;
