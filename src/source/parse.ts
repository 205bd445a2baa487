import jsyaml from 'js-yaml';
import { Composer, LineCounter, Parser, isAlias, isCollection, isMap, isNode, isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostic, Range } from '../model/diagnostic.js';
import { LIMITS } from './limits.js';
import { pointerOf, printable } from './names.js';
import type { Visit } from './names.js';
import { findExcessiveNesting } from './nesting.js';
import type { Locate } from './yaml-locate.js';
import { locatorForDocument } from './yaml-locate.js';

const NESTING_HINT = 'Policy files need only a few levels of nesting; flatten the structure.';
const FORBIDDEN_KEY_HINT =
  'Keys named __proto__, constructor or prototype are refused so no tool can be tricked into prototype pollution.';
// More findings than one file may report (load.ts cuts the list and says so).
const MAX_FINDINGS = LIMITS.maxDiagnosticsPerFile + 1;
const FILE_START: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** Keys that would reach Object.prototype if the data were ever merged into a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedFile {
  /** The document's data; undefined when the file could not be parsed safely. */
  data: unknown;
  diagnostics: Diagnostic[];
  /** Whether the fast parser produced the data (positions are then recovered on demand). */
  fast: boolean;
  /** For files the full parser read: positions from the tree it built, so none is parsed twice. */
  locate?: Locate;
}

/** yaml options shared by the full parse and the position lookup, so both see the same tree. */
export const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  merge: false,
  // Without this, the core schema still honours !!binary, !!set, !!omap, !!pairs and !!timestamp.
  resolveKnownTags: false,
  // Duplicate keys are found by checkTree in one pass; the library's check is quadratic.
  uniqueKeys: false,
  strict: true,
  prettyErrors: false,
  intAsBigInt: false,
} as const;

// Anything the fast parser might read differently from the full one goes the slow way: anchors,
// aliases, tags, directives, merge keys, explicit keys, collection keys, prototype keys, and the
// plain scalars where js-yaml's core schema differs from YAML 1.2's (0b binary, signed hex and
// octal, signed leading-dot floats, '-0', numbers too big for a double, null keys). A false alarm
// only costs speed; the differential test keeps the two paths equal on everything else. Every
// alternative is linear: no two quantifiers compete for the same characters.
// Split three ways for speed (this runs over every byte of every file): a search for the
// indicator characters, one pattern anchored at line starts, and the rest.
const AT_LINE_START = new RegExp(
  String.raw`^[ \t]*(?:-[ \t]+)*(?:\?(?:[ \t]|$)|(?:(?:~|null|Null|NULL)[ \t]*)?:(?:[ \t]|$))`,
  'm',
);
const ANYWHERE = new RegExp(
  [
    String.raw`^%`,
    String.raw`<<`,
    String.raw`[\]}][ \t]*:(?:[ \t]|$)`,
    String.raw`__proto__|constructor|prototype`,
    String.raw`(?<![\w.])(?:[+-]0[box]|0b[01]|[+-]\.\d|-0(?![\w.]))`,
    String.raw`\d[eE][+-]?\d{3}|(?<!\d)\d{300}`,
    String.raw`[{,][ \t]*(?:(?:~|null|Null|NULL)[ \t]*)?:(?:[ \t]|$)`,
  ].join('|'),
  'm',
);
const BEFORE_INDICATOR = /[\s[{,]/;

/** An anchor (&), alias (*) or tag (!) where a token starts: at the start, after blank space or [ { ,. */
function hasNodeIndicator(text: string): boolean {
  for (const ch of ['&', '*', '!']) {
    for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) {
      if (i === 0 || BEFORE_INDICATOR.test(text[i - 1]!)) return true;
    }
  }
  return false;
}

function needsFullParse(text: string): boolean {
  return hasNodeIndicator(text) || AT_LINE_START.test(text) || ANYWHERE.test(text);
}

/** Whether the fast parser may read this text (the full parser would read the same data). */
export function isFastParsable(text: string): boolean {
  return !needsFullParse(text);
}

export interface ParseOptions {
  /**
   * Skip the fast parser and read the file with the full YAML parser. The full parser is the
   * reference; the differential test uses this to check the fast path against it.
   */
  forceFull?: boolean;
}

/**
 * Parses one policy file safely. Never throws for bad input: every problem is a diagnostic.
 * Plain files take a fast parser; anything unusual, and anything the fast parser rejects, goes
 * through the full YAML parser with positions.
 */
export function parsePolicyYaml(file: string, text: string, options: ParseOptions = {}): ParsedFile {
  if (text.length > LIMITS.maxFileBytes || Buffer.byteLength(text, 'utf8') > LIMITS.maxFileBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    return fail(
      file,
      'file-too-large',
      `${file} is ${bytes} bytes; policy files may be at most ${LIMITS.maxFileBytes} bytes`,
      {
        hint: 'Split the file; an agent, template or system file is normally a few kilobytes.',
        range: FILE_START,
      },
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // YAML counts a lone CR as a line break; js-yaml agrees, the yaml library does not, and an
  // editor may show either. A file that means different things to different readers is refused.
  const cr = /\r(?!\n)/.exec(text);
  if (cr) {
    const lineStart = text.lastIndexOf('\n', cr.index) + 1;
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < cr.index; i = text.indexOf('\n', i + 1)) line++;
    const at = { line, column: cr.index - lineStart + 1 };
    return fail(
      file,
      'invalid-encoding',
      'the file has a carriage return (CR) that is not part of a CRLF line end',
      {
        hint: 'Save the file with LF or CRLF line ends; write "\\r" in a quoted string for a carriage return.',
        range: { start: at, end: at },
      },
    );
  }
  const plain = !needsFullParse(text);
  let fastError: unknown;
  if (!options.forceFull && plain) {
    try {
      const data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false, filename: file });
      // An empty or null document is rare; the full parser tells the two apart.
      if (data !== undefined && data !== null) {
        const diagnostics = checkData(file, data);
        // Too deep: the nesting scan below says exactly where.
        if (!diagnostics.some((d) => d.ruleId === 'nesting-too-deep'))
          return { data, diagnostics, fast: true };
      }
    } catch (error) {
      // Fall through: the full parser reports the problem with its position.
      fastError = error;
    }
  }
  // Only now, for files that are unusual, broken or deep: the scan turns away nesting that
  // would make the recursive full parser slow, before it runs.
  const deep = findExcessiveNesting(text, LIMITS.maxDepth);
  if (deep) {
    return fail(file, 'nesting-too-deep', `collections are nested more than ${LIMITS.maxDepth} levels deep`, {
      range: { start: deep, end: deep },
      hint: NESTING_HINT,
    });
  }
  // js-yaml accepted a plain file but it held no data: the full parser says why, cheaply.
  const acceptedByFastParser = plain && fastError === undefined && !options.forceFull;
  if (text.length > LIMITS.maxFullParseBytes && !options.forceFull && !acceptedByFastParser) {
    return refuseLargeUnusual(file, plain, fastError);
  }
  return parseFull(file, text);
}

/**
 * Runs fn without capturing stack traces: the yaml library makes an Error for every problem it
 * finds, and on a garbage file (a problem per character) capturing their stacks costs most of
 * the time. The runs are synchronous, so nothing else sees the setting.
 */
export function withoutStackTraces<T>(fn: () => T): T {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/**
 * A large file the fast parser could not take. The full parser is the slow one (about 1 MB/s on
 * hostile shapes), so past LIMITS.maxFullParseBytes it does not run: a broken file gets the
 * fast parser's own error and position, a file using anchors, aliases, tags, directives or
 * explicit keys is refused as too large for those features.
 */
function refuseLargeUnusual(file: string, plain: boolean, fastError: unknown): ParsedFile {
  const mark = (fastError as { mark?: { line: number; column: number } } | undefined)?.mark;
  const reason = (fastError as { reason?: string } | undefined)?.reason;
  if (plain && mark && reason) {
    const ruleId = /duplicated mapping key/.test(reason)
      ? 'duplicate-key'
      : /unknown tag/.test(reason)
        ? 'unknown-tag'
        : 'yaml-syntax';
    const at = { line: mark.line + 1, column: mark.column + 1 };
    return fail(file, ruleId, printable(reason), { hint: hintFor(ruleId), range: { start: at, end: at } });
  }
  return fail(
    file,
    'file-too-large',
    `${file} uses YAML anchors, aliases, tags, directives or explicit keys, which leash reads only in files up to ${LIMITS.maxFullParseBytes} bytes`,
    { hint: 'Write the file as plain YAML, or split it.', range: FILE_START },
  );
}

function parseFull(file: string, text: string): ParsedFile {
  return withoutStackTraces(() => parseFullUntraced(file, text));
}

function parseFullUntraced(file: string, text: string): ParsedFile {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const range = (from: number, to: number): Range => ({
    start: toPosition(lineCounter, from),
    end: toPosition(lineCounter, to),
  });
  const docs: Document.Parsed[] = [];
  try {
    const composer = new Composer(YAML_OPTIONS);
    // Tokens are read as they come: parsing stops at the second document, which is enough to
    // refuse the file (a file of a million '---' lines is not composed a million times).
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      // Directives come straight from the token stream, so their positions are exact and a '%'
      // inside a scalar is never taken for one.
      if (token.type === 'directive') {
        diagnostics.push(
          diag(
            file,
            'yaml-directive',
            `YAML directives are not allowed: '${printable(clip(token.source))}'`,
            {
              hint: hintFor('yaml-directive'),
              range: range(token.offset, token.offset + token.source.length),
            },
          ),
        );
        if (diagnostics.length >= MAX_FINDINGS) break;
        continue;
      }
      if (diagnostics.length > 0) continue;
      for (const doc of composer.next(token)) docs.push(doc);
      if (docs.length > 1) break;
    }
    if (diagnostics.length > 0) return { data: undefined, diagnostics, fast: false };
    if (docs.length < 2) for (const doc of composer.end(true, text.length)) docs.push(doc);
  } catch (error) {
    return fail(file, 'yaml-syntax', `the file could not be parsed: ${firstLine((error as Error).message)}`, {
      hint: hintFor('yaml-syntax'),
      range: FILE_START,
    });
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    diagnostics.push(
      diag(file, 'multiple-documents', 'a policy file holds exactly one YAML document', {
        hint: 'Put each document in its own file named after its metadata.name.',
        range: range(second.range[0], second.range[0]),
      }),
    );
  }
  const doc = docs[0]!;
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null && root.range?.[0] === root.range?.[1])) {
    if (docs.length > 1) return { data: undefined, diagnostics, fast: false };
    return fail(file, 'empty-file', 'the file is empty', {
      hint: 'Add apiVersion, kind, metadata and spec.',
      range: FILE_START,
    });
  }
  // A garbage file yields a problem per character; the first ones are enough.
  for (const problem of [...doc.errors, ...doc.warnings].slice(0, MAX_FINDINGS)) {
    const ruleId = problem.code === 'TAG_RESOLVE_FAILED' ? 'unknown-tag' : 'yaml-syntax';
    const tag = /^Unresolved tag: (.*)/.exec(firstLine(problem.message))?.[1];
    const message =
      ruleId === 'unknown-tag' && tag !== undefined
        ? `the tag ${printable(tag.replace(/^tag:yaml\.org,2002:/, '!!'))} is not allowed`
        : firstLine(problem.message);
    diagnostics.push(
      diag(file, ruleId, message, {
        range: range(problem.pos[0], problem.pos[1]),
        hint: hintFor(ruleId),
      }),
    );
  }
  for (const d of checkTree(file, doc, range)) diagnostics.push(d);
  if (diagnostics.length > 0) return { data: undefined, diagnostics, fast: false };
  let data: unknown;
  try {
    // checkTree has bounded the aliases already; the library's own limit stays as a second guard.
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (error) {
    return fail(file, 'yaml-syntax', `the file could not be read: ${firstLine((error as Error).message)}`, {
      hint: hintFor('yaml-syntax'),
      range: FILE_START,
    });
  }
  return {
    data,
    diagnostics: checkData(file, data),
    fast: false,
    locate: locatorForDocument(doc, lineCounter),
  };
}

type ToRange = (from: number, to: number) => Range;

/**
 * Checks the yaml tree before it is turned into data, in document order and without recursion:
 * prototype keys, keys that are collections, and aliases. Aliases are followed the way the
 * library follows them (the latest anchor of that name before the alias); every alias costs one
 * plus the aliases inside what it repeats, so an alias bomb is refused at the alias that passes
 * the limit, long before anything is expanded. An alias to a node that contains it is refused
 * too: it would make the data cyclic.
 */
function checkTree(file: string, doc: Document.Parsed, range: ToRange): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (node: { range?: readonly number[] | null } | null | undefined): Range | undefined =>
    node?.range ? range(node.range[0]!, node.range[1]!) : undefined;
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();
  // How many aliases each finished anchored node holds, counted expanded.
  const expanded = new Map<Node, number>();
  let total = 0;
  type Step = { node: unknown; exit?: { start: number } };
  const stack: Step[] = [{ node: doc.contents }];
  while (stack.length > 0) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      open.delete(node as Node);
      expanded.set(node as Node, total - exit.start);
      continue;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        out.push(
          diag(
            file,
            'yaml-syntax',
            `the alias *${printable(node.source)} has no anchor &${printable(node.source)} before it`,
            {
              hint: hintFor('yaml-syntax'),
              range: at(node),
            },
          ),
        );
        return out;
      }
      if (open.has(target)) {
        out.push(
          diag(file, 'alias-limit', `the alias *${printable(node.source)} repeats a node that contains it`, {
            hint: 'Write the values out; a recursive alias would make the data endless.',
            range: at(node),
          }),
        );
        return out;
      }
      total += 1 + (expanded.get(target) ?? 0);
      if (total > LIMITS.maxAliasCount) {
        out.push(
          diag(
            file,
            'alias-limit',
            `aliases expand to more than ${LIMITS.maxAliasCount} nodes: refused as a possible alias bomb`,
            {
              hint: 'Write the values out, or use a Template for repeated grants.',
              range: at(node),
            },
          ),
        );
        return out;
      }
      continue;
    }
    if (!isNode(node)) continue;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) {
      anchors.set(anchor, node);
      open.add(node);
      stack.push({ node, exit: { start: total } });
    }
    const children: unknown[] = [];
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (out.length >= MAX_FINDINGS) return out;
        if (isScalar(key)) {
          // Keys as the data will hold them: 1 and "1", or null and "", are the same key.
          const name = key.value === null ? '' : String(key.value);
          if (seen.has(name)) {
            out.push(
              diag(
                file,
                'duplicate-key',
                `the key '${printable(name)}' appears more than once in this mapping`,
                {
                  hint: hintFor('duplicate-key'),
                  range: at(key),
                },
              ),
            );
          }
          seen.add(name);
        }
        if (isScalar(key) && FORBIDDEN_KEYS.has(String(key.value))) {
          out.push(
            diag(file, 'forbidden-key', `the key '${String(key.value)}' is not allowed`, {
              hint: FORBIDDEN_KEY_HINT,
              range: at(key),
            }),
          );
        } else if (isCollection(key)) {
          out.push(
            diag(file, 'yaml-syntax', 'a mapping key must be a plain value, not a list or mapping', {
              hint: 'Use a string as the key.',
              range: at(key),
            }),
          );
        }
        children.push(key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) children.push(item);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] });
  }
  return out;
}

/**
 * Checks on the plain data, whichever parser produced it: nesting depth, prototype keys and
 * numbers that are not finite (.inf, .nan).
 */
function checkData(file: string, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: Visit[] = [{ value: data, parent: undefined, segment: '', depth: 0 }];
  while (stack.length > 0 && out.length < MAX_FINDINGS) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      out.push({
        ruleId: 'non-finite-number',
        severity: 'error',
        message: `${String(value)} is not a finite number`,
        hint: 'Write a plain number; .inf and .nan are refused.',
        file,
        pointer: pointerOf(visit),
      });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= LIMITS.maxDepth) {
        out.push({
          ruleId: 'nesting-too-deep',
          severity: 'error',
          message: `collections are nested more than ${LIMITS.maxDepth} levels deep`,
          hint: NESTING_HINT,
          file,
          pointer: pointerOf(visit),
        });
        continue;
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          stack.push({ value: value[i], parent: visit, segment: i, depth: depth + 1 });
        }
      } else {
        for (const key of Object.keys(value)) {
          if (FORBIDDEN_KEYS.has(key)) {
            out.push({
              ruleId: 'forbidden-key',
              severity: 'error',
              message: `the key '${key}' is not allowed`,
              hint: FORBIDDEN_KEY_HINT,
              file,
              pointer: pointerOf({ value: undefined, parent: visit, segment: key, depth: depth + 1 }),
              on: 'key',
            });
            continue;
          }
          stack.push({
            value: (value as Record<string, unknown>)[key],
            parent: visit,
            segment: key,
            depth: depth + 1,
          });
        }
      }
    }
  }
  return out;
}

function hintFor(ruleId: string): string | undefined {
  switch (ruleId) {
    case 'duplicate-key':
      return 'Each key may appear once in a mapping; remove or merge the repeated key.';
    case 'unknown-tag':
      return 'Remove the tag: leash reads plain YAML 1.2 (strings, numbers, booleans, lists, maps).';
    case 'yaml-directive':
      return 'Remove the %YAML / %TAG line.';
    default:
      return 'Fix the YAML syntax at this position.';
  }
}

function toPosition(lc: LineCounter, offset: number) {
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function diag(
  file: string,
  ruleId: string,
  message: string,
  extra: { hint?: string; range?: Range } = {},
): Diagnostic {
  return {
    ruleId,
    severity: 'error',
    message,
    file,
    pointer: '',
    ...(extra.hint ? { hint: extra.hint } : {}),
    ...(extra.range ? { range: extra.range } : {}),
  };
}

function fail(
  file: string,
  ruleId: string,
  message: string,
  extra: { hint?: string; range?: Range } = {},
): ParsedFile {
  return { data: undefined, diagnostics: [diag(file, ruleId, message, extra)], fast: false };
}
