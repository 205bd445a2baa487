/** Hard limits that keep hostile input cheap to reject. */
export const LIMITS = {
  /** Largest policy file read, in bytes. Real policy files are a few kilobytes. */
  maxFileBytes: 1024 * 1024,
  /** Deepest nesting of collections in one file; the schemas need fewer than 10 levels. */
  maxDepth: 32,
  /** Most alias nodes one file may resolve (YAML alias bombs expand exponentially). */
  maxAliasCount: 64,
  /** Most files one repository may hold under the policy folders. */
  maxFiles: 200_000,
  /** Most diagnostics reported for one file; a garbage file would otherwise flood the report. */
  maxDiagnosticsPerFile: 100,
} as const;
