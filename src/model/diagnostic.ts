export type Severity = 'error' | 'warning' | 'info';

/** A 1-based line and column (column counts UTF-16 code units, as editors do). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * A problem with the user's input. Diagnostics are data, never exceptions: every stage collects
 * them, and the report shows all of them at once.
 *
 * `pointer` is a JSON pointer into the file's document ('' for the whole file); `range` is
 * resolved from it against the YAML tree (nearest existing parent when the pointer does not
 * exist). `on: 'key'` points at a mapping key rather than its value.
 */
export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  /** How to fix it, in a sentence. */
  hint?: string;
  /** Repository-relative POSIX path. */
  file: string;
  pointer: string;
  on?: 'key' | 'value';
  range?: Range;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sorts by file, then position, then rule id and message, and drops exact duplicates. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const sorted = [...diagnostics].sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) ||
      (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0) ||
      severityRank[a.severity] - severityRank[b.severity] ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.message, b.message),
  );
  const out: Diagnostic[] = [];
  let last = '';
  for (const d of sorted) {
    const key = `${d.file}\0${d.range?.start.line}\0${d.range?.start.column}\0${d.ruleId}\0${d.message}`;
    if (key !== last) out.push(d);
    last = key;
  }
  return out;
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function escapePointerSegment(segment: string | number): string {
  if (typeof segment === 'number') return String(segment);
  // Most segments need no escaping; skip the two replaces for them (this runs per node).
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer from segments. */
export function toPointer(...segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + escapePointerSegment(s);
  return out;
}

/** Splits a JSON pointer into unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
