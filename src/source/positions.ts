import jsyaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { Diagnostic, Range } from '../model/diagnostic.js';
import { parsePointer } from '../model/diagnostic.js';
import { YAML_OPTIONS, isFastParsable, withoutStackTraces } from './parse.js';
import type { Locate } from './yaml-locate.js';
import { FILE_START, locatorForDocument } from './yaml-locate.js';

export type { Locate } from './yaml-locate.js';

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
  return doc ? locatorForDocument(doc, lineCounter) : () => FILE_START;
}

interface EventNode {
  start: number;
  end: number;
  kind?: string;
  kids: EventNode[];
}

/**
 * The same function as createLocator, built from js-yaml's parse events instead of the yaml
 * package's tree: about ten times cheaper, so locating a diagnostic in a large file costs about
 * as much as parsing it fast did. Only for texts the fast parser reads (isFastParsable); the
 * differential test checks it against createLocator on every pointer of every example file.
 * Returns undefined when js-yaml cannot read the text.
 */
export function createFastLocator(text: string): Locate | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const stack: EventNode[] = [];
  let root: EventNode | undefined;
  try {
    jsyaml.load(body, {
      schema: jsyaml.CORE_SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ start: state.position, end: state.position, kids: [] });
          return;
        }
        const node = stack.pop()!;
        node.kind = state.kind ?? undefined;
        node.end = state.position;
        if (stack.length > 0) stack[stack.length - 1]!.kids.push(node);
        else root = node;
      },
    });
  } catch {
    return undefined;
  }
  const lineStarts = [0];
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const position = (at: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
  };
  // js-yaml opens a node before the blank space and comments in front of it, and may close it
  // after trailing blanks: trim both sides to the node's own text.
  const startOf = (n: EventNode) => {
    let i = n.start;
    for (;;) {
      while (i < n.end && /[ \t\r\n]/.test(body[i]!)) i++;
      if (body[i] === '#' && i < n.end) {
        while (i < n.end && body[i] !== '\n') i++;
        continue;
      }
      return i;
    }
  };
  const endOf = (n: EventNode, from: number) => {
    let i = n.end;
    while (i > from && /[ \t\r\n]/.test(body[i - 1]!)) i--;
    return i;
  };
  const rangeOf = (n: EventNode): Range => {
    const s = startOf(n);
    const e = Math.max(s, endOf(n, s));
    const a = position(s);
    const b = position(e);
    return { start: a, end: b };
  };
  const isEmpty = (n: EventNode) => n.kids.length === 0 && startOf(n) >= endOf(n, n.start);
  return (pointer, on = 'value') => {
    if (!root) return FILE_START;
    let node = unwrap(root);
    let keyNode: EventNode | undefined;
    for (const segment of parsePointer(pointer)) {
      let next: EventNode | undefined;
      let nextKey: EventNode | undefined;
      if (node.kind === 'mapping') {
        for (let i = 0; i + 1 < node.kids.length; i += 2) {
          const key = node.kids[i]!;
          if (keyText(body, key, startOf, endOf) === segment) {
            const value = unwrap(node.kids[i + 1]!);
            next = isEmpty(value) ? key : value;
            nextKey = key;
          }
        }
      } else if (node.kind === 'sequence' && /^(?:0|[1-9]\d*)$/.test(segment)) {
        const item = node.kids[Number(segment)];
        next = item ? unwrap(item) : undefined;
        nextKey = next;
      }
      if (!next) break;
      node = next;
      keyNode = nextKey;
    }
    return rangeOf(on === 'key' && keyNode ? keyNode : node);
  };
}

/** js-yaml reports a block collection as a node wrapping the collection itself. */
function unwrap(n: EventNode): EventNode {
  while (n.kids.length === 1 && n.kids[0]!.kind === n.kind) n = n.kids[0]!;
  return n;
}

function keyText(
  body: string,
  key: EventNode,
  startOf: (n: EventNode) => number,
  endOf: (n: EventNode, from: number) => number,
): string {
  const s = startOf(key);
  const raw = body.slice(s, endOf(key, s));
  if (raw.startsWith('"') || raw.startsWith("'")) {
    try {
      return String(jsyaml.load(raw, { schema: jsyaml.CORE_SCHEMA }));
    } catch {
      return raw;
    }
  }
  const value = jsyaml.load(raw === '' ? '~' : raw, { schema: jsyaml.CORE_SCHEMA });
  return value === null ? '' : String(value);
}

/** Fills in the range of every diagnostic that lacks one, parsing each file's text at most once. */
export function locateDiagnostics(
  diagnostics: Diagnostic[],
  textOf: (file: string) => string | undefined,
  known: ReadonlyMap<string, Locate> = new Map(),
): Diagnostic[] {
  const locators = new Map<string, Locate | undefined>(known);
  return diagnostics.map((d) => {
    if (d.range) return d;
    if (!locators.has(d.file)) {
      const text = textOf(d.file);
      locators.set(
        d.file,
        text === undefined
          ? undefined
          : ((isFastParsable(text) ? createFastLocator(text) : undefined) ?? createLocator(text)),
      );
    }
    const locate = locators.get(d.file);
    return { ...d, range: locate ? locate(d.pointer, d.on) : FILE_START };
  });
}
