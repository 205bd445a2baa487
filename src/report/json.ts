import { countBySeverity } from '../model/diagnostic.js';
import type { FormatOptions, ValidateReport } from './validate-report.js';

/** Machine-readable output; `formatVersion` changes only when the shape does. */
export function formatJson(report: ValidateReport, options: FormatOptions): string {
  const counts = countBySeverity(report.diagnostics);
  return (
    JSON.stringify(
      {
        formatVersion: 1,
        tool: { name: 'leash', version: options.toolVersion },
        summary: { files: report.fileCount, documents: report.documentCount, ...counts },
        diagnostics: report.diagnostics.map((d) => ({
          file: d.file,
          line: d.range?.start.line ?? 1,
          column: d.range?.start.column ?? 1,
          endLine: d.range?.end.line ?? d.range?.start.line ?? 1,
          endColumn: d.range?.end.column ?? d.range?.start.column ?? 1,
          severity: d.severity,
          ruleId: d.ruleId,
          message: d.message,
          ...(d.hint ? { hint: d.hint } : {}),
          pointer: d.pointer,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
