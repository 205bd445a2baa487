/**
 * Distinguished names (RFC 4514), written and compared. Leash builds the DNs of its entries and
 * groups from names it escapes itself, and recognises the DNs a directory hands back (which it
 * may spell differently: case, spaces, escapes) by comparing normalised forms.
 */

/** One attribute-value assertion of an RDN, its value unescaped. */
export interface Ava {
  type: string;
  value: string;
}

/** An RDN: one or more AVAs joined with `+`. */
export type Rdn = Ava[];

/** Raised for a string that is not a DN. */
export class DnSyntaxError extends Error {
  override name = 'DnSyntaxError';
}

const MUST_ESCAPE = new Set(['"', '+', ',', ';', '<', '>', '\\']);

/** Escapes an attribute value for use in a DN string (RFC 4514 section 2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((c, i) => {
    if (c === '\0') out += '\\00';
    else if (MUST_ESCAPE.has(c)) out += `\\${c}`;
    else if (i === 0 && (c === '#' || c === ' ')) out += `\\${c}`;
    else if (i === chars.length - 1 && c === ' ') out += '\\ ';
    else out += c;
  });
  return out;
}

/** `type=value` with the value escaped. */
export function formatRdn(type: string, value: string): string {
  return `${type}=${escapeDnValue(value)}`;
}

const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/** Parses a DN string into RDNs, most specific first; throws DnSyntaxError when it is not one. */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  if (dn.trim() === '') return rdns;
  let i = 0;
  let rdn: Rdn = [];
  for (;;) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: no '=' after position ${i}`);
    const type = dn.slice(i, eq).trim();
    if (!TYPE.test(type))
      throw new DnSyntaxError(
        `${JSON.stringify(dn)} is not a DN: bad attribute type ${JSON.stringify(type)}`,
      );
    const { value, end } = readValue(dn, eq + 1);
    rdn.push({ type, value });
    i = end;
    if (i >= dn.length) break;
    const sep = dn[i];
    i++;
    if (sep === ',' || sep === ';') {
      rdns.push(rdn);
      rdn = [];
    }
  }
  rdns.push(rdn);
  return rdns;
}

/** Reads one value from `start`; returns it unescaped and the index of the separator after it. */
function readValue(dn: string, start: number): { value: string; end: number } {
  let i = start;
  while (dn[i] === ' ') i++;
  if (dn[i] === '#') {
    // A BER-encoded value in hex: kept as written, since leash never names entries this way.
    let j = i + 1;
    while (j < dn.length && /[0-9A-Fa-f]/.test(dn[j] ?? '')) j++;
    const value = dn.slice(i, j);
    while (dn[j] === ' ') j++;
    if (j < dn.length && !isSeparator(dn[j])) {
      throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: bad hex value at position ${i}`);
    }
    return { value, end: j };
  }
  const bytes: number[] = [];
  let trailingSpaces = 0;
  for (; i < dn.length && !isSeparator(dn[i]); i++) {
    const c = dn[i] as string;
    if (c === '\\') {
      const pair = dn.slice(i + 1, i + 3);
      if (HEX.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else if (i + 1 < dn.length) {
        bytes.push(...Buffer.from(dn[i + 1] as string, 'utf8'));
        i += 1;
      } else {
        throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: it ends with a lone '\\'`);
      }
      trailingSpaces = 0;
    } else if (c === '"') {
      throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: unescaped '"' at position ${i}`);
    } else {
      const code = dn.codePointAt(i) as number;
      if (code > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
      trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
    }
  }
  // Unescaped spaces before a separator are not part of the value (RFC 2253 leniency).
  const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
  return { value, end: i };
}

function isSeparator(c: string | undefined): boolean {
  return c === ',' || c === ';' || c === '+';
}

/** The RDNs back as a DN string, every value escaped. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => rdn.map((ava) => formatRdn(ava.type, ava.value)).join('+')).join(',');
}

/**
 * A form two spellings of the same DN share: attribute types and values in lower case, runs of
 * spaces collapsed, multi-valued RDNs sorted. It assumes the naming attributes compare case-
 * insensitively (uid, cn, ou, dc, o do), which holds for every DN leash builds or reads.
 */
export function normalizeDn(dn: string | readonly Rdn[]): string {
  const rdns = typeof dn === 'string' ? parseDn(dn) : dn;
  return rdns
    .map((rdn) =>
      rdn
        .map((ava) => formatRdn(ava.type.toLowerCase(), ava.value.toLowerCase().replace(/ +/g, ' ')))
        .sort()
        .join('+'),
    )
    .join(',');
}

/**
 * When `dn` names a direct child of `parent` with a single-valued RDN of `type`, that RDN's
 * value; otherwise undefined. `parent` is given normalised.
 */
export function childValue(dn: string, type: string, normalizedParent: string): string | undefined {
  let rdns: Rdn[];
  try {
    rdns = parseDn(dn);
  } catch {
    return undefined;
  }
  const [first, ...rest] = rdns;
  if (!first || first.length !== 1 || rest.length === 0) return undefined;
  const ava = first[0] as Ava;
  if (ava.type.toLowerCase() !== type.toLowerCase()) return undefined;
  return normalizeDn(rest) === normalizedParent ? ava.value : undefined;
}
