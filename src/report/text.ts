import { countBySeverity } from '../model/diagnostic.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions, ValidateReport } from './validate-report.js';

const COLORS: Record<Severity | 'dim' | 'bold', [string, string]> = {
  error: ['\u001b[31m', '\u001b[39m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  info: ['\u001b[36m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
};

/** Terminal output: one line per problem (file:line:col severity message rule), a hint, a summary. */
export function formatText(report: ValidateReport, options: FormatOptions): string {
  const paint = (style: keyof typeof COLORS, s: string) =>
    options.color ? COLORS[style][0] + s + COLORS[style][1] : s;
  const lines: string[] = [];
  for (const d of report.diagnostics) {
    const at = `${d.file}:${d.range?.start.line ?? 1}:${d.range?.start.column ?? 1}`;
    lines.push(
      `${paint('bold', at)}  ${paint(d.severity, d.severity.padEnd(7))} ${d.message}  ${paint('dim', d.ruleId)}`,
    );
    if (d.hint) lines.push(`    ${paint('dim', 'hint:')} ${d.hint}`);
  }
  const c = countBySeverity(report.diagnostics);
  const total = c.error + c.warning + c.info;
  const files = new Set(report.diagnostics.map((d) => d.file)).size;
  if (lines.length > 0) lines.push('');
  if (total === 0) {
    lines.push(`✔ ${report.fileCount} files, ${report.documentCount} documents: no problems`);
  } else {
    const parts = [
      plural(c.error, 'error'),
      plural(c.warning, 'warning'),
      ...(c.info ? [plural(c.info, 'info')] : []),
    ];
    const mark = c.error > 0 ? paint('error', '✖') : paint('warning', '⚠');
    lines.push(
      `${mark} ${plural(total, 'problem')} (${parts.join(', ')}) in ${plural(files, 'file')} of ${report.fileCount}`,
    );
  }
  return lines.join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}
