/**
 * Making user-controlled text (agent, file, system and resource names, reasons, messages) safe to
 * put in a PR comment or a terminal. Everything from a blast radius is treated as hostile: the
 * loader checks names, but a formatter must not depend on that.
 */

/** U+200D: breaks GitHub's @mention, #ref and autolink recognisers without changing what is seen. */
const ZWJ = '\u200d';

/** C0 and C1 controls (tab and newlines are whitespace, handled apart), DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g;
/** Bidirectional overrides and isolates ("Trojan Source"): they reorder what a reviewer reads. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** A surrogate half without its partner: not text, and some renderers choke on it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Characters written as numeric character references. References are decoded as text by both
 * markdown and HTML (so they display as themselves) but can never open a construct: no tag,
 * comment, entity, table cell, code span, emphasis, strikethrough, link, math or escape.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  $: '&#36;',
};

const SPECIAL = /[&<>|`*_~[\]\\$@#]|:\/\/|www\.|gh-(?=\d)/gi;

/** At the start of a line these would open a list, heading underline or thematic break. */
const LINE_START = /^(?:([-+=])(?=[\s\-=]|$)|(\d+)([.)])(?=\s|$))/;

/** Shortens to at most `max` code points, ending in "…" when something was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/** Replaces what must never reach a reader raw: controls, bidi overrides, lone surrogates. */
function sanitize(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd').replace(CONTROLS, '\ufffd').replace(BIDI, '\ufffd');
}

/**
 * Escapes user text for a GitHub comment, valid both in markdown (paragraphs, list items,
 * headings, table cells) and inside HTML blocks such as `<details>`. Whitespace (newlines
 * included) collapses to single spaces so a value stays on its line and in its table cell;
 * text is clipped to `max` code points first so a 10,000-character name costs a few dozen.
 */
export function escapeMarkdown(text: string, max = 200): string {
  // Only the first part of a long text can be shown: do not sanitize all of it.
  const window = max * 4 + 64;
  const cut = text.length > window;
  const flat = sanitize(cut ? text.slice(0, window) : text)
    .replace(/\s+/g, ' ')
    .trim();
  let shown = clip(flat, max);
  if (cut && !shown.endsWith('…')) shown += '…';
  const escaped = shown.replace(SPECIAL, (m) => {
    const entity = ENTITIES[m];
    if (entity) return entity;
    if (m === '@' || m === '#') return m + ZWJ;
    if (m === '://') return ':' + ZWJ + '//';
    // www. and gh-<digits>: keep the user's case.
    return m.length === 4 ? m.slice(0, 3) + ZWJ + '.' : m + ZWJ;
  });
  return escaped.replace(LINE_START, (_m, sign?: string, digits?: string, dot?: string) =>
    sign ? `&#${sign.charCodeAt(0)};` : `${digits}&#${dot!.charCodeAt(0)};`,
  );
}

/** User text as inline code, escaped (`<code>` rather than backticks, which would not decode the escapes). */
export function mdCode(text: string, max = 120): string {
  return `<code>${escapeMarkdown(text, max)}</code>`;
}

/**
 * A link destination for markdown, or undefined when the URL is not plain http(s). Characters
 * that could end the destination or the link are percent-encoded; `&` is written as `&amp;`.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (parsed.username || parsed.password) return undefined;
  const href = parsed.href.replace(
    /[^A-Za-z0-9\-._~:/?#=%+,;@!$&]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'), // href is ASCII
  );
  return href.replace(/&/g, '&amp;');
}

/**
 * Makes user text safe for a terminal: escape sequences, other controls and bidi overrides are
 * shown as visible escapes (`\x1b`, `\n`, `\u202e`) instead of acting on the terminal.
 */
export function escapeTerminal(text: string): string {
  return (
    text
      .replace(LONE_SURROGATE, '\ufffd')
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
        if (c === '\n') return '\\n';
        if (c === '\r') return '\\r';
        if (c === '\t') return '\\t';
        return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
      })
      .replace(
        /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
        (c) => '\\u' + c.charCodeAt(0).toString(16),
      )
  );
}
