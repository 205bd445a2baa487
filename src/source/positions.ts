import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { Diagnostic, Range } from '../model/diagnostic.js';
import { parsePointer } from '../model/diagnostic.js';
import { YAML_OPTIONS, withoutStackTraces } from './parse.js';

export type Locate = (pointer: string, on?: 'key' | 'value') => Range;

const FILE_START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/**
 * Builds a function from JSON pointer to source range for one file's text. The pointer is
 * followed as far as the tree goes; a pointer to something absent resolves to its nearest
 * existing parent (a missing property is reported on the object that lacks it). Lines and
 * columns are 1-based; a byte order mark is skipped, CRLF line ends count as one.
 */
export function createLocator(text: string): Locate {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed | undefined;
  try {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    doc = withoutStackTraces(() => parseDocument(body, { ...YAML_OPTIONS, lineCounter }));
  } catch {
    doc = undefined;
  }
  const toRange = (r: readonly [number, number, number?] | null | undefined): Range => {
    if (!r) return FILE_START;
    const s = lineCounter.linePos(r[0]);
    const e = lineCounter.linePos(r[1]);
    return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
  };
  return (pointer, on = 'value') => {
    if (!doc) return FILE_START;
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const segment of parsePointer(pointer)) {
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      let nextKey: unknown;
      if (isMap(node)) {
        // Keys as the data holds them: a null key is '' (as yaml's toJS makes it).
        const pair = node.items.find(
          (p) =>
            isPair(p) && isScalar(p.key) && (p.key.value === null ? '' : String(p.key.value)) === segment,
        );
        if (pair) {
          // 'key:' with nothing after it: the empty value has no width, so point at the key.
          const empty =
            !pair.value || (isScalar(pair.value) && pair.value.value === null && pair.value.source === '');
          next = empty ? pair.key : pair.value;
          nextKey = pair.key;
        }
      } else if (isSeq(node) && /^(?:0|[1-9]\d*)$/.test(segment)) {
        next = node.items[Number(segment)];
        // A list item has no key of its own: 'on key' means the item itself.
        nextKey = next;
      }
      if (next === undefined || next === null) break;
      node = next;
      keyNode = nextKey;
    }
    const target = on === 'key' && keyNode ? keyNode : node;
    return toRange((target as { range?: [number, number, number] } | null)?.range);
  };
}

/** Fills in the range of every diagnostic that lacks one, parsing each file's text at most once. */
export function locateDiagnostics(
  diagnostics: Diagnostic[],
  textOf: (file: string) => string | undefined,
): Diagnostic[] {
  const locators = new Map<string, Locate | undefined>();
  return diagnostics.map((d) => {
    if (d.range) return d;
    if (!locators.has(d.file)) {
      const text = textOf(d.file);
      locators.set(d.file, text === undefined ? undefined : createLocator(text));
    }
    const locate = locators.get(d.file);
    return { ...d, range: locate ? locate(d.pointer, d.on) : FILE_START };
  });
}
