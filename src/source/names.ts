import type { Diagnostic } from '../model/diagnostic.js';
import { toPointer } from '../model/diagnostic.js';
import { LIMITS } from './limits.js';

/** Pointers (as patterns over segments) whose string values name or reference something. */
const REFERENCE_POINTER =
  /^\/(?:metadata\/name|spec\/(?:owner|platform|environment|tier|target|identity\/(?:principal|credentialRef)|grants\/\d+\/(?:system|resource|template|(?:actions|fields)\/\d+)))$/;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

// Letters from other scripts that render like ASCII ones, with the letter they imitate.
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ο: 'o',
  α: 'a',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  ι: 'i',
  κ: 'k',
  χ: 'x',
  υ: 'u',
  ℓ: 'l',
  ı: 'i',
};

// Characters that render as nothing: format characters (zero-width, bidi controls, tags),
// line and paragraph separators, Hangul fillers.
const INVISIBLE = /^[\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]$/u;
const SPACE = /^\p{Zs}$/u;

/** Describes the first character of a name that is not plain ASCII, or undefined. */
export function describeNonAscii(name: string): string | undefined {
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) continue;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (INVISIBLE.test(ch)) return `an invisible character (${hex})`;
    if (SPACE.test(ch)) return `a space that is not the ASCII space (${hex})`;
    // Compatibility forms (fullwidth 'ａ', 'ℂ', '①', ligatures) fold to ASCII under NFKC.
    const folded = ch.normalize('NFKC');
    const ascii = CONFUSABLES[ch] ?? (/^[!-~]+$/.test(folded) ? folded : undefined);
    if (ascii) return `'${ch}' (${hex}), which looks like the ASCII '${ascii}'`;
    if (code < 0x20 || code === 0x7f) return `a control character (${hex})`;
    return `the non-ASCII character '${ch}' (${hex})`;
  }
  return undefined;
}

/** Whether a reference tries to be a path: '..' segments, absolute paths, backslashes, drive letters. */
export function describePathTrick(value: string): string | undefined {
  if (value.includes('\\')) return 'contains a backslash';
  if (value.startsWith('/') || value.startsWith('~')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(value) && !/^[a-z0-9-]+:\/\//.test(value)) return 'starts with a drive letter';
  const path = value.replace(/^[a-z0-9-]+:\/\//, '');
  if (path.startsWith('/')) return 'is an absolute path';
  if (path.split('/').some((s) => s === '..' || s === '.')) return "has a '.' or '..' path segment";
  if (/%2e|%2f|%5c/i.test(value)) return 'holds an encoded path character';
  return undefined;
}

/**
 * Checks every mapping key and every name or reference value of a document for characters that
 * could deceive a reviewer (non-ASCII look-alikes, invisible characters) and for references that
 * try to be file paths.
 */
export function checkNames(file: string, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: Visit[] = [{ value: data, parent: undefined, segment: '', depth: 0 }];
  // More than one file may report; load.ts cuts the list and says so.
  while (stack.length > 0 && out.length <= LIMITS.maxDiagnosticsPerFile) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'string') {
      // Pointers are built only where a reference can be (at most five segments deep, under a
      // key that names one): one per value cost more than the rest of the walk.
      if (depth > MAX_REFERENCE_DEPTH) continue;
      const key = typeof visit.segment === 'number' ? visit.parent?.segment : visit.segment;
      if (!REFERENCE_KEYS.has(key as string)) continue;
      const pointer = pointerOf(visit);
      if (!REFERENCE_POINTER.test(pointer)) continue;
      const odd = PLAIN_ASCII.test(value) ? undefined : describeNonAscii(value);
      if (odd) {
        out.push({
          ruleId: 'invalid-name',
          severity: 'error',
          message: `'${printable(value)}' contains ${odd}`,
          hint: 'Names and references must be plain ASCII so that a reviewer sees what they get.',
          file,
          pointer,
        });
        continue;
      }
      const trick = describePathTrick(value);
      if (trick) {
        out.push({
          ruleId: 'unsafe-reference',
          severity: 'error',
          message: `the reference '${printable(value)}' ${trick}`,
          hint: 'Refer to documents and resources by name, never by path.',
          file,
          pointer,
        });
      }
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push({ value: value[i], parent: visit, segment: i, depth: depth + 1 });
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        const child: Visit = { value: v, parent: visit, segment: key, depth: depth + 1 };
        const odd = PLAIN_ASCII.test(key) ? undefined : describeNonAscii(key);
        if (odd && out.length <= LIMITS.maxDiagnosticsPerFile) {
          out.push({
            ruleId: 'invalid-name',
            severity: 'error',
            message: `the key '${printable(key)}' contains ${odd}`,
            hint: 'Keys must be plain ASCII so that a reviewer sees what they get.',
            file,
            pointer: pointerOf(child),
            on: 'key',
          });
        }
        stack.push(child);
      }
    }
  }
  return out;
}

/** Segments in the deepest pointer REFERENCE_POINTER matches (/spec/grants/0/actions/0). */
const MAX_REFERENCE_DEPTH = 5;
/** The keys REFERENCE_POINTER ends in (for a list, the key holding it). */
const REFERENCE_KEYS: ReadonlySet<string> = new Set([
  'name',
  'owner',
  'platform',
  'environment',
  'tier',
  'target',
  'principal',
  'credentialRef',
  'system',
  'resource',
  'template',
  'actions',
  'fields',
]);

/** A value met while walking a document, with the way back to the root for its pointer. */
export interface Visit {
  value: unknown;
  parent: Visit | undefined;
  segment: string | number;
  depth: number;
}

/**
 * The JSON pointer of a visited value, built only for a finding: walks that built one per
 * value spent more on pointers than on the rest.
 */
export function pointerOf(visit: Visit): string {
  const segments: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.parent; v = v.parent) segments.push(v.segment);
  return toPointer(...segments.reverse());
}

// Control, format (zero-width, bidi overrides, tag characters), line and paragraph separators,
// private-use, unassigned and lone surrogate code points: all shown as escapes.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/gu;

/** Shows invisible and control characters as escapes so the message itself cannot deceive. */
export function printable(s: string): string {
  const shown = s.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  if (shown.length <= 80) return shown;
  // Cut between code points, never inside a surrogate pair.
  const cut = /[\ud800-\udbff]/.test(shown[76]!) ? 76 : 77;
  return shown.slice(0, cut) + '...';
}
