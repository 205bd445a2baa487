/** Hard limits that keep hostile input cheap to reject. */
export const LIMITS = {
  /** Largest policy file read, in bytes. Real policy files are a few kilobytes. */
  maxFileBytes: 128 * 1024,
  /**
   * Largest file read by the full YAML parser: files using anchors, aliases, tags, directives or
   * explicit keys, or that the fast parser rejects. Larger broken files get the fast parser's
   * error; larger unusual ones are refused. Keeps every hostile file under 200 ms.
   */
  maxFullParseBytes: 32 * 1024,
  /** Deepest nesting of collections in one file; the schemas need fewer than 10 levels. */
  maxDepth: 32,
  /** Most alias nodes one file may resolve (YAML alias bombs expand exponentially). */
  maxAliasCount: 64,
  /** Most files one repository may hold under the policy folders. */
  maxFiles: 200_000,
  /** Most diagnostics reported for one file; a garbage file would otherwise flood the report. */
  maxDiagnosticsPerFile: 100,
} as const;
