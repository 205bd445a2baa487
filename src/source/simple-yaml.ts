// A reader for the plainest YAML only: block mappings and sequences of simple keys and simple
// scalars, one to a line, as policy files nearly always are. Anything else, or anything it is
// unsure of, returns undefined and the caller falls back to js-yaml (and to the full parser
// behind it), so this reader only has to be right about what it accepts, never complete.
//
// Why: js-yaml walks a file character by character through many small functions; in a short
// process (`leash diff` reads a dozen files) those run cold in V8's interpreter and cost more
// than everything else. Here each line is split by a few native searches and regular
// expressions. The differential test holds the two to the same data.

// Keys are scalars too: a letter first keeps them strings (never 0x10 or 1.5 read as numbers);
// null, true and false as keys are left to the parsers (js-yaml keys them 'null', 'true').
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Plain strings: a letter first (so never a number, a date or an indicator), then anything
// printable; '#' (a comment), ': ' (a mapping) and a trailing ':' are checked apart. Inside a
// flow collection, its own punctuation is refused too.
// A dot then a letter or a slash starts a plain string too (.leash/state), but for the core
// schema's .inf and .nan.
const PLAIN_BLOCK = /^(?:[A-Za-z_]|\.[A-Za-z/])[^\p{Cc}]*$/u;
const PLAIN_FLOW = /^(?:[A-Za-z_]|\.[A-Za-z/])[^\p{Cc},[\]{}]*$/u;
const SPECIAL_FLOAT = /^\.(?:inf|Inf|INF|nan|NaN|NAN)$/;
const INT = /^(?:0|[1-9][0-9]{0,14})$/;
// YAML 1.2's core schema has no timestamps: a date is a string, as js-yaml reads it there.
const DATE =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$/;
// Durations such as 90d and times of day such as 06:00-19:00: no numbers in the core schema.
const DURATION = /^[1-9][0-9]{0,5}[dhmswy]$/;
const TIMES = /^[0-9]{2}:[0-9]{2}(?:-[0-9]{2}:[0-9]{2})?$/;
const SPECIAL: Record<string, null | boolean> = {
  null: null,
  Null: null,
  NULL: null,
  '~': null,
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};
/** Keys the loader refuses (parse.ts FORBIDDEN_KEYS): left to the parsers that report them. */
const REFUSED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * Deepest nesting read here, well under LIMITS.maxDepth: deeper files go to the parsers that
 * check depth (parse.ts skips its own checks of what this reader accepts).
 */
const MAX_DEPTH = 24;

const OTHER_BLANKS = /[\t\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|\r(?!\n)/;

/** Thrown (and caught) to give up: the file is not of the simple kind. */
class NotSimple extends Error {}

const notSimple = (): never => {
  throw new NotSimple();
};

interface Line {
  indent: number;
  /** The line without its indentation and trailing blanks. */
  text: string;
  /** Whether it is a sequence item ('- ...', or '-' alone). */
  item: boolean;
  /** Its index among all lines (blank and comment lines too): block scalars read those. */
  raw: number;
}

/**
 * The data of a YAML file made only of block mappings and sequences with simple keys and
 * scalars, or undefined when the file is anything else (the caller then parses it fully).
 * The top level must be a mapping.
 */
export function parseSimpleYaml(source: string): Record<string, unknown> | undefined {
  // JavaScript's trim() knows more blanks than YAML (which has only the space and the tab):
  // with any of those, or a tab, or a carriage return that ends no line, the parsers decide.
  if (OTHER_BLANKS.test(source)) return undefined;
  const raw = source.split('\n');
  const lines: Line[] = [];
  let seen = false;
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    if (line.endsWith('\r')) raw[i] = line = line.slice(0, -1);
    const text = line.trim();
    // Blank lines and comments separate entries (block scalars read them as content).
    if (text === '' || text.charCodeAt(0) === 35 /* # */) continue;
    const indent = line.length - line.trimStart().length;
    // One document marker may open the file; any other marker is left to the full parsers.
    if (line === '---' && !seen) {
      seen = true;
      continue;
    }
    seen = true;
    if (indent === 0 && (text.startsWith('---') || text.startsWith('...') || text.startsWith('%'))) {
      return undefined;
    }
    lines.push({ indent, text, item: text === '-' || text.startsWith('- '), raw: i });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const reader = new Reader(lines, raw);
    const data = reader.mapping(0, 0);
    return reader.done() ? data : undefined;
  } catch (error) {
    if (error instanceof NotSimple) return undefined;
    throw error;
  }
}

class Reader {
  private at = 0;

  constructor(
    private readonly lines: Line[],
    private readonly raw: string[],
  ) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** The block at `indent` that starts at the current line (a mapping or a sequence). */
  private block(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) notSimple();
    return this.lines[this.at]!.item ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  /** Mapping entries at exactly `indent`; the first may sit after a '- ' (see sequence). */
  mapping(indent: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const { lines } = this;
    while (this.at < lines.length) {
      const line = lines[this.at]!;
      if (line.indent < indent) break;
      if (line.indent > indent || line.item) notSimple();
      const colon = line.text.indexOf(':');
      if (colon <= 0) notSimple();
      const key = line.text.slice(0, colon);
      if (!KEY.test(key) || key in SPECIAL || Object.hasOwn(out, key) || REFUSED_KEYS.has(key)) notSimple();
      const rest = line.text.slice(colon + 1);
      this.at++;
      if (rest === '') {
        out[key] = this.nested(indent, depth);
        continue;
      }
      if (rest.charCodeAt(0) !== 32) notSimple();
      const value = rest.trimStart();
      const first = value.charCodeAt(0);
      out[key] =
        first === 124 /* | */ || first === 62 /* > */
          ? this.blockScalar(value, indent, line.raw)
          : scalarOrFlow(value);
    }
    return out;
  }

  /** What a key with nothing after its colon holds: a deeper block, a sequence, or null. */
  private nested(indent: number, depth: number): unknown {
    const next = this.lines[this.at];
    if (!next || next.indent < indent) return null;
    if (next.indent > indent) return this.block(next.indent, depth + 1);
    // A sequence may sit at its key's own indentation; a mapping may not.
    return next.item ? this.sequence(indent, depth + 1) : null;
  }

  /**
   * A literal (|) or folded (>) block scalar, clipped or stripped, of lines all indented alike
   * with no blank line inside: the common description. Anything subtler is left to the parsers.
   * Read from the lines as written (a '#' there is text), after the key's line.
   */
  private blockScalar(header: string, parentIndent: number, keyLine: number): string {
    if (header !== '|' && header !== '|-' && header !== '>' && header !== '>-') notSimple();
    const content: string[] = [];
    let contentIndent = -1;
    let blank = false;
    let i = keyLine + 1;
    for (; i < this.raw.length; i++) {
      const line = this.raw[i]!;
      const text = line.trimStart();
      if (text.trimEnd() === '') {
        blank = true;
        continue;
      }
      const indent = line.length - text.length;
      if (indent <= parentIndent) break;
      if (contentIndent < 0) contentIndent = indent;
      if (indent !== contentIndent || blank) notSimple();
      content.push(line.slice(contentIndent));
    }
    if (content.length === 0) notSimple();
    // Go on with the first line after the scalar.
    while (this.at < this.lines.length && this.lines[this.at]!.raw < i) this.at++;
    const text = content.join(header === '|' || header === '|-' ? '\n' : ' ');
    return header.endsWith('-') ? text : text + '\n';
  }

  /** Sequence items ('- ') at exactly `indent`. */
  private sequence(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) notSimple();
    const out: unknown[] = [];
    const { lines } = this;
    while (this.at < lines.length) {
      const line = lines[this.at]!;
      if (line.indent < indent) break;
      if (line.indent > indent || !line.item) {
        // The items of a sequence at its key's indentation end where that mapping goes on.
        if (line.indent === indent) break;
        notSimple();
      }
      const content = line.text.slice(1).trimStart();
      const column = indent + (line.text.length - content.length);
      if (content === '' || content === '-' || content.startsWith('- ')) notSimple();
      const colon = mappingColon(content);
      if (colon > 0) {
        // "- key: value": a mapping whose entries line up under its first key.
        lines[this.at] = { indent: column, text: content, item: false, raw: line.raw };
        out.push(this.mapping(column, depth + 1));
      } else {
        this.at++;
        out.push(scalarOrFlow(content));
      }
    }
    return out;
  }
}

function isKey(text: string): boolean {
  return KEY.test(text) && !Object.hasOwn(SPECIAL, text);
}

/** Where a "key:" or "key: value" line's colon is, or -1 for a line that is no mapping entry. */
function mappingColon(text: string): number {
  const colon = text.indexOf(':');
  if (colon <= 0 || !isKey(text.slice(0, colon))) return -1;
  return colon + 1 === text.length || text[colon + 1] === ' ' ? colon : -1;
}

/** An inline value: a simple scalar, or a one-line flow sequence or mapping of them. */
function scalarOrFlow(text: string): unknown {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) notSimple();
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => scalar(item.trim(), true));
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) notSimple();
    return flowMapping(text.slice(1, -1).trim());
  }
  return scalar(text);
}

/** "a: x, b: [y, z]": simple keys, simple scalars or flow sequences of them. */
function flowMapping(inner: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let rest = inner;
  while (rest !== '') {
    const colon = rest.indexOf(':');
    if (colon <= 0 || rest[colon + 1] !== ' ') notSimple();
    const key = rest.slice(0, colon).trim();
    if (!isKey(key) || Object.hasOwn(out, key) || REFUSED_KEYS.has(key)) notSimple();
    rest = rest.slice(colon + 1).trimStart();
    let value: string;
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) notSimple();
      value = rest.slice(0, close + 1);
      rest = rest.slice(close + 1).trimStart();
    } else {
      const comma = rest.indexOf(',');
      value = (comma < 0 ? rest : rest.slice(0, comma)).trim();
      rest = comma < 0 ? '' : rest.slice(comma);
    }
    if (value.startsWith('{')) notSimple();
    out[key] = value.startsWith('[') ? scalarOrFlow(value) : scalar(value, true);
    if (rest.startsWith(',')) {
      rest = rest.slice(1).trimStart();
      if (rest === '') notSimple();
    } else if (rest !== '') notSimple();
  }
  return out;
}

/** A scalar the core schema reads without doubt, or notSimple(). */
function scalar(text: string, flow = false): unknown {
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const body = text.slice(1, -1);
    if (text.length < 2 || text.at(-1) !== quote || body.includes(quote) || body.includes('\\')) notSimple();
    return body;
  }
  if (text.includes('#')) notSimple();
  if (Object.hasOwn(SPECIAL, text)) return SPECIAL[text];
  if (INT.test(text)) return Number(text);
  if (DATE.test(text) || DURATION.test(text) || TIMES.test(text)) return text;
  if (
    !(flow ? PLAIN_FLOW : PLAIN_BLOCK).test(text) ||
    SPECIAL_FLOAT.test(text) ||
    text.includes(': ') ||
    text.endsWith(':')
  ) {
    notSimple();
  }
  return text;
}
