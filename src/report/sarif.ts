import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions, ValidateReport } from './validate-report.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** SARIF 2.1.0 for GitHub code scanning: every rule listed in the driver, one result per problem. */
export function formatSarif(report: ValidateReport, options: FormatOptions): string {
  const ruleIndex = new Map(options.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'leash',
            version: options.toolVersion,
            informationUri: 'https://github.com/leash-dev/leash',
            rules: options.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              helpUri: r.helpUri,
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: report.diagnostics.map((d) => ({
          ruleId: d.ruleId,
          ...(ruleIndex.has(d.ruleId) ? { ruleIndex: ruleIndex.get(d.ruleId) } : {}),
          level: LEVEL[d.severity],
          message: { text: d.hint ? `${d.message}\n${d.hint}` : d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(d.file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: d.range?.start.line ?? 1,
                  startColumn: d.range?.start.column ?? 1,
                  endLine: d.range?.end.line ?? d.range?.start.line ?? 1,
                  endColumn: Math.max(d.range?.end.column ?? 1, d.range?.start.column ?? 1),
                },
              },
            },
          ],
          partialFingerprints: { 'leash/v1': `${d.ruleId}:${d.file}:${d.pointer}` },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
