import type { Position } from '../model/diagnostic.js';

/**
 * Estimates the deepest collection nesting in YAML text without parsing it, in one pass, so a
 * hostile file (a million '[' or '- - - …') is turned away before a recursive parser sees it.
 * The estimate never undercounts real nesting: block levels come from an indentation stack plus
 * compact '- ' / '? ' chains, flow levels from brackets outside quoted scalars and comments.
 * Returns where the limit was first passed, or undefined.
 */
export function findExcessiveNesting(text: string, limit: number): Position | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lineStart = i;
    let indent = 0;
    while (i < n && text.charCodeAt(i) === 32) i++;
    indent = i - lineStart;
    let depth = 0;
    const c0 = text.charCodeAt(i);
    const blank = i >= n || c0 === 10 || c0 === 13 || c0 === 35;
    if (!blank && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      depth = indents.length;
      // Compact nested collections on one line: "- - - x" or "? - x".
      while (i + 1 < n && (text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        depth++;
        i += 2;
        while (i < n && text.charCodeAt(i) === 32) i++;
      }
      if (depth > limit) return { line, column: i - lineStart + 1 };
    } else {
      depth = indents.length;
    }
    let prev = 32;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      const tokenStart = prev === 32 || prev === 9 || prev === 91 || prev === 123 || prev === 44 || prev === 58;
      if (c === 35 && (prev === 32 || prev === 9)) {
        while (i < n && text.charCodeAt(i) !== 10) i++;
        break;
      } else if ((c === 39 || c === 34) && tokenStart) {
        i = skipQuoted(text, i, c, () => line++);
        prev = c;
        continue;
      } else if (c === 91 || c === 123) {
        flow++;
        if (depth + flow > limit) return { line, column: i - lineStart + 1 };
      } else if ((c === 93 || c === 125) && flow > 0) {
        flow--;
      }
      prev = c;
      i++;
    }
    if (i < n) {
      i++;
      line++;
    }
  }
  return undefined;
}

function skipQuoted(text: string, start: number, quote: number, onNewline: () => void): number {
  let i = start + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) onNewline();
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
  return n;
}
