import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { FormatOptions, ValidateReport } from './validate-report.js';

export type { FormatOptions, RuleInfo, ValidateReport } from './validate-report.js';

/** Formatters by name: pure functions from a report to a string. */
export const VALIDATE_FORMATTERS = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
} as const satisfies Record<string, (report: ValidateReport, options: FormatOptions) => string>;

export type ValidateFormat = keyof typeof VALIDATE_FORMATTERS;
