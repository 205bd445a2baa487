import type { Position } from '../model/diagnostic.js';

interface Block {
  indent: number;
  seq: boolean;
  /** A sequence written at the same indentation as the mapping it is a value of. */
  inMap: boolean;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;

/**
 * Finds where YAML text first nests collections deeper than `limit`, without parsing it, in one
 * pass, so a hostile file (a million '[' or '- - - …') is turned away before a recursive parser
 * sees it. Depth counts collections from the root: `[[1]]` is 2 deep. Block collections are
 * followed with a stack of indentations (sequences at the same indentation as their parent
 * mapping included), compact '- ' / '? ' / ': ' chains count one level each, flow levels come
 * from brackets outside quoted scalars, comments and block scalars.
 *
 * The count is exact for ordinary YAML. Where the text is unusual (multi-line plain scalars,
 * invalid indentation) it errs on the high side; the depth check on the parsed data stays as a
 * second guard. Returns the position of the collection that passes the limit, or undefined.
 */
export function findExcessiveNesting(text: string, limit: number): Position | undefined {
  const blocks: Block[] = [];
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  // Inside a block scalar: its parent's indentation, and its content's once known.
  let scalarParent: number | undefined;
  let scalarIndent: number | undefined;
  const n = text.length;
  let i = 0;
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  while (i < n) {
    lineStart = i;
    while (i < n && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
    const indent = i - lineStart;
    const c0 = text.charCodeAt(i);
    const empty = i >= n || c0 === LF || (c0 === CR && text.charCodeAt(i + 1) === LF);
    if (scalarParent !== undefined) {
      const inside =
        !(indent === 0 && isDocumentMarker(text, i)) &&
        (empty || (scalarIndent === undefined ? indent > scalarParent : indent >= scalarIndent));
      if (inside) {
        if (!empty && scalarIndent === undefined) scalarIndent = indent;
        i = endOfLine(text, i);
        if (i < n) newline(i++);
        continue;
      }
      scalarParent = undefined;
      scalarIndent = undefined;
    }
    if (flow === 0 && !empty && c0 !== HASH) {
      if (indent === 0 && c0 === 37 /* % */) {
        i = endOfLine(text, i);
        if (i < n) newline(i++);
        continue;
      }
      if (indent === 0 && isDocumentMarker(text, i)) {
        blocks.length = 0;
        i += 3;
        while (i < n && isBlank(text.charCodeAt(i))) i++;
      }
      while (blocks.length > 0 && blocks[blocks.length - 1]!.indent > indent) blocks.pop();
      // Compact indicators: '- - x', '? - x', ': x', with node properties between them.
      for (;;) {
        const c = text[i];
        if ((c === '-' || c === '?' || c === ':') && isSeparator(text.charCodeAt(i + 1))) {
          const col = i - lineStart;
          if (enterBlock(blocks, col, c === '-') && blocks.length > limit) return { line, column: col + 1 };
          i++;
          while (i < n && isBlank(text.charCodeAt(i))) i++;
          i = skipProperties(text, i);
          continue;
        }
        break;
      }
      let valueStart = i;
      const afterKey = implicitKeyEnd(text, i);
      if (afterKey >= 0) {
        const col = i - lineStart;
        if (enterBlock(blocks, col, false) && blocks.length > limit) return { line, column: col + 1 };
        valueStart = skipProperties(text, afterKey);
      }
      if (isBlockScalarHeader(text, valueStart)) {
        scalarParent = blocks.length > 0 ? blocks[blocks.length - 1]!.indent : -1;
        scalarIndent = undefined;
      }
    }
    // Flow brackets, quoted scalars and comments on the rest of the line.
    let prev = SPACE;
    let beforePrev = SPACE;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === LF) break;
      const afterJsonKey =
        prev === 58 &&
        flow > 0 &&
        (beforePrev === 34 || beforePrev === 39 || beforePrev === 93 || beforePrev === 125);
      const tokenStart =
        prev === SPACE || prev === TAB || prev === 91 || prev === 123 || prev === 44 || afterJsonKey;
      if (c === HASH && (prev === SPACE || prev === TAB)) {
        i = endOfLine(text, i);
        break;
      } else if ((c === 39 || c === 34) && tokenStart) {
        i = skipQuoted(text, i, c, newline);
        beforePrev = c;
        prev = c;
        continue;
      } else if (c === 91 || c === 123) {
        flow++;
        if (blocks.length + flow > limit) return { line, column: i - lineStart + 1 };
      } else if ((c === 93 || c === 125) && flow > 0) {
        flow--;
      }
      beforePrev = prev;
      prev = c;
      i++;
    }
    if (i < n) newline(i++);
  }
  return undefined;
}

/** Opens a block collection at a column unless the line continues one; true when one was opened. */
function enterBlock(blocks: Block[], col: number, seq: boolean): boolean {
  let top = blocks[blocks.length - 1];
  if (top && top.indent === col && top.seq !== seq && top.inMap && !seq) {
    // A key after a sequence written at its mapping's indentation: back in the mapping.
    blocks.pop();
    top = blocks[blocks.length - 1];
  }
  if (top && top.indent === col && top.seq === seq) return false;
  const inMap = seq && top !== undefined && top.indent === col && !top.seq;
  blocks.push({ indent: col, seq, inMap });
  return true;
}

/**
 * If the text at `start` is an implicit mapping key ('key: ', '"key": ', '[a]: '), returns the
 * offset just after the ': ' and its blanks; otherwise -1. YAML caps implicit keys at 1024
 * characters, so the scan is bounded.
 */
function implicitKeyEnd(text: string, start: number): number {
  const n = Math.min(text.length, start + 1100);
  let depth = 0;
  let prev = SPACE;
  let i = start;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return -1;
    if (c === HASH && (prev === SPACE || prev === TAB)) return -1;
    if (
      (c === 39 || c === 34) &&
      (i === start || prev === 91 || prev === 123 || prev === 44 || prev === SPACE)
    ) {
      const end = skipQuotedOnLine(text, i, c);
      if (end < 0) return -1;
      i = end;
      prev = c;
      continue;
    }
    if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && depth > 0) depth--;
    else if (c === 58 && depth === 0 && isSeparator(text.charCodeAt(i + 1))) {
      i++;
      while (i < text.length && isBlank(text.charCodeAt(i))) i++;
      return i;
    }
    prev = c;
    i++;
  }
  return -1;
}

/** Skips anchors (&a) and tags (!t) in front of a node. */
function skipProperties(text: string, start: number): number {
  let i = start;
  while (text[i] === '&' || text[i] === '!') {
    while (i < text.length && !isSeparator(text.charCodeAt(i))) i++;
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  }
  return i;
}

/** Whether a block scalar header ('|', '>-', '|2+', …) followed by a blank or comment starts here. */
function isBlockScalarHeader(text: string, start: number): boolean {
  const c = text[start];
  if (c !== '|' && c !== '>') return false;
  let i = start + 1;
  while (i < text.length && /[0-9+-]/.test(text[i]!)) i++;
  return isSeparator(text.charCodeAt(i)) || text.charCodeAt(i) === HASH;
}

function isDocumentMarker(text: string, i: number): boolean {
  const three = text.slice(i, i + 3);
  return (three === '---' || three === '...') && isSeparator(text.charCodeAt(i + 3));
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** A blank, a line end or the end of the text (NaN). */
function isSeparator(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || Number.isNaN(c);
}

function endOfLine(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

function skipQuoted(text: string, start: number, quote: number, onNewline: (at: number) => void): number {
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF) onNewline(i);
    if (quote === 34 && c === 92) {
      if (text.charCodeAt(i + 1) === LF) onNewline(i + 1);
      i += 2;
      continue;
    }
    if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n;
}

function skipQuotedOnLine(text: string, start: number, quote: number): number {
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF) return -1;
    if (quote === 34 && c === 92) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (quote === 39 && text.charCodeAt(i + 1) === 39) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return -1;
}
