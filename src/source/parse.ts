import jsyaml from 'js-yaml';
import { Composer, LineCounter, Parser, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { Diagnostic, Range } from '../model/diagnostic.js';
import { toPointer } from '../model/diagnostic.js';
import { LIMITS } from './limits.js';
import { findExcessiveNesting } from './nesting.js';

/** Keys that would reach Object.prototype if the data were ever merged into a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedFile {
  /** The document's data; undefined when the file could not be parsed safely. */
  data: unknown;
  diagnostics: Diagnostic[];
  /** Whether the fast parser produced the data (positions are then recovered on demand). */
  fast: boolean;
}

/** yaml options shared by the full parse and the position lookup, so both see the same tree. */
export const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  merge: false,
  uniqueKeys: true,
  strict: true,
  prettyErrors: false,
  intAsBigInt: false,
} as const;

// Anything the fast parser might read differently from the full one goes the slow way: anchors,
// aliases, tags, directives, merge keys, explicit keys and prototype keys. A false alarm only
// costs speed; the differential test keeps the two paths equal on everything else.
const NEEDS_FULL_PARSE = /(?:^|[\s[{,])[&*!]|^%|<<|^\s*\? |__proto__|constructor|prototype/m;

/**
 * Parses one policy file safely. Never throws for bad input: every problem is a diagnostic.
 * Plain files take a fast parser; anything unusual, and anything the fast parser rejects, goes
 * through the full YAML parser with positions.
 */
export function parsePolicyYaml(file: string, text: string): ParsedFile {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > LIMITS.maxFileBytes) {
    return fail(file, 'file-too-large', `${file} is ${bytes} bytes; policy files may be at most ${LIMITS.maxFileBytes} bytes`, {
      hint: 'Split the file; an agent, template or system file is normally a few kilobytes.',
    });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const deep = findExcessiveNesting(text, LIMITS.maxDepth);
  if (deep) {
    return fail(file, 'nesting-too-deep', `collections are nested more than ${LIMITS.maxDepth} levels deep`, {
      range: { start: deep, end: deep },
      hint: 'Policy files need only a few levels of nesting; flatten the structure.',
    });
  }
  if (!NEEDS_FULL_PARSE.test(text)) {
    try {
      const data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false, filename: file });
      return { data, diagnostics: checkData(file, data), fast: true };
    } catch {
      // Fall through: the full parser reports the problem with its position.
    }
  }
  return parseFull(file, text);
}

function parseFull(file: string, text: string): ParsedFile {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const range = (from: number, to: number): Range => ({
    start: toPosition(lineCounter, from),
    end: toPosition(lineCounter, to),
  });
  const directive = /^%.*$/m.exec(text);
  if (directive) {
    diagnostics.push(
      diag(file, 'yaml-directive', `YAML directives are not allowed: '${clip(directive[0])}'`, {
        hint: 'Remove the %YAML / %TAG line; leash reads YAML 1.2 with its core schema only.',
        range: range(directive.index, directive.index + directive[0].length),
      }),
    );
    // Still count lines so later positions are right.
  }
  const docs: Document.Parsed[] = [];
  try {
    const composer = new Composer(YAML_OPTIONS);
    const parser = new Parser(lineCounter.addNewLine);
    for (const doc of composer.compose(parser.parse(text), true, text.length)) docs.push(doc);
  } catch (error) {
    return fail(file, 'yaml-syntax', `the file could not be parsed: ${(error as Error).message}`);
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
  const doc = docs[0];
  if (!doc) return fail(file, 'empty-file', 'the file is empty', { hint: 'Add apiVersion, kind, metadata and spec.' });
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const ruleId =
      problem.code === 'DUPLICATE_KEY'
        ? 'duplicate-key'
        : problem.code === 'TAG_RESOLVE_FAILED'
          ? 'unknown-tag'
          : problem.code === 'BAD_DIRECTIVE' || problem.code === 'MISSING_CHAR' && /%/.test(problem.message)
            ? 'yaml-directive'
            : 'yaml-syntax';
    diagnostics.push(
      diag(file, ruleId, firstLine(problem.message), {
        range: range(problem.pos[0], problem.pos[1]),
        hint: hintFor(ruleId),
      }),
    );
  }
  walkTree(doc.contents, (keyNode) => {
    if (keyNode && isScalar(keyNode) && FORBIDDEN_KEYS.has(String(keyNode.value))) {
      diagnostics.push(
        diag(file, 'forbidden-key', `the key '${String(keyNode.value)}' is not allowed`, {
          hint: 'Keys named __proto__, constructor or prototype are refused so no tool can be tricked into prototype pollution.',
          range: keyNode.range ? range(keyNode.range[0], keyNode.range[1]) : undefined,
        }),
      );
    }
  });
  if (diagnostics.length > 0) return { data: undefined, diagnostics, fast: false };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message)) {
      return fail(file, 'alias-limit', `aliases expand too far (more than ${LIMITS.maxAliasCount} alias nodes): refused as a possible alias bomb`, {
        hint: 'Write the values out, or use a Template for repeated grants.',
      });
    }
    return fail(file, 'yaml-syntax', `the file could not be read: ${firstLine(message)}`);
  }
  return { data, diagnostics: checkData(file, data), fast: false };
}

/** Calls visit with every mapping key node in a yaml tree, without recursion. */
function walkTree(root: unknown, visit: (keyNode: unknown) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        visit(pair.key);
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
}

/**
 * Checks on the plain data, whichever parser produced it: nesting depth, prototype keys and
 * numbers that are not finite (.inf, .nan).
 */
function checkData(file: string, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: [unknown, string, number][] = [[data, '', 0]];
  while (stack.length > 0) {
    const [value, pointer, depth] = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      out.push({
        ruleId: 'non-finite-number',
        severity: 'error',
        message: `${String(value)} is not a finite number`,
        hint: 'Write a plain number; .inf and .nan are refused.',
        file,
        pointer,
      });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= LIMITS.maxDepth) {
        out.push({
          ruleId: 'nesting-too-deep',
          severity: 'error',
          message: `collections are nested more than ${LIMITS.maxDepth} levels deep`,
          file,
          pointer,
        });
        continue;
      }
      if (Array.isArray(value)) {
        value.forEach((v, i) => stack.push([v, pointer + toPointer(i), depth + 1]));
      } else {
        for (const key of Object.keys(value)) {
          if (FORBIDDEN_KEYS.has(key)) {
            out.push({
              ruleId: 'forbidden-key',
              severity: 'error',
              message: `the key '${key}' is not allowed`,
              file,
              pointer: pointer + toPointer(key),
              on: 'key',
            });
            continue;
          }
          stack.push([(value as Record<string, unknown>)[key], pointer + toPointer(key), depth + 1]);
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

function fail(file: string, ruleId: string, message: string, extra: { hint?: string; range?: Range } = {}): ParsedFile {
  return { data: undefined, diagnostics: [diag(file, ruleId, message, extra)], fast: false };
}
