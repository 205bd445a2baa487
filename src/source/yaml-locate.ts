import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { Range } from '../model/diagnostic.js';
import { parsePointer } from '../model/diagnostic.js';

export type Locate = (pointer: string, on?: 'key' | 'value') => Range;

export const FILE_START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/**
 * A pointer-to-range function over an already parsed yaml document. The pointer is followed as
 * far as the tree goes; a pointer to something absent resolves to its nearest existing parent
 * (a missing property is reported on the object that lacks it). Lines and columns are 1-based.
 */
export function locatorForDocument(doc: Document.Parsed, lineCounter: LineCounter): Locate {
  const toRange = (r: readonly [number, number, number?] | null | undefined): Range => {
    if (!r) return FILE_START;
    const s = lineCounter.linePos(r[0]);
    const e = lineCounter.linePos(r[1]);
    return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
  };
  return (pointer, on = 'value') => {
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
