import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions, ValidateReport } from './validate-report.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub Actions workflow commands: one annotation per problem, at its file and line. */
export function formatGithub(report: ValidateReport, _options: FormatOptions): string {
  return report.diagnostics
    .map((d) => {
      const props = [
        `file=${escapeProperty(d.file)}`,
        `line=${d.range?.start.line ?? 1}`,
        `col=${d.range?.start.column ?? 1}`,
        `endLine=${d.range?.end.line ?? d.range?.start.line ?? 1}`,
        `endColumn=${d.range?.end.column ?? d.range?.start.column ?? 1}`,
        `title=${escapeProperty(`leash ${d.ruleId}`)}`,
      ].join(',');
      const text = d.hint ? `${d.message}\n${d.hint}` : d.message;
      return `::${COMMAND[d.severity]} ${props}::${escapeData(text)}\n`;
    })
    .join('');
}

/** Escapes a workflow command's message (as @actions/core does). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command property value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
