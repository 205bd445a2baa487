import { toPointer } from '../../model/diagnostic.js';
import { createRule } from '../rule.js';

interface Detector {
  kind: string;
  pattern: RegExp;
  /** Capture group holding the secret itself; the whole match when absent. */
  group?: number;
  /** Extra check on the secret; a false return means the match is not a secret. */
  accept?: (secret: string) => boolean;
}

// Secret-store references (identity.credentialRef) and e-mail addresses are legitimate values.
const REFERENCE =
  /^(?:vault|aws-sm|azure-kv|gcp-sm|k8s-secret|env|1password):\/\/[A-Za-z0-9._/-]+(?:#[A-Za-z0-9._-]+)?$/;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

// Stands in for a value, rather than being one: ${VAR}, {{ var }}, <password>, ***, changeme.
const PLACEHOLDER =
  /^(?:\$\{[^}]*\}?|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|<[^>]*>|\*+|x+|\.{3}|(?:redacted|changeme|example|placeholder|none|null|n\/a)\b.*)$/i;
const REFERENCE_LIKE = /^(?:[a-z0-9+.-]+:\/\/|env:|ref:)/i;
// A plain word ("secret: rotated", "password: Required") is prose, not a password.
const PLAIN_WORD = /^[A-Za-z][a-z-]*$/;

const notPlaceholder = (secret: string) => !PLACEHOLDER.test(secret) && !REFERENCE_LIKE.test(secret);
const looksLikePassword = (secret: string) =>
  secret.length >= 6 && !PLAIN_WORD.test(secret) && notPlaceholder(secret);

// Ordered: the most specific first; the first that matches names the kind.
const DETECTORS: readonly Detector[] = [
  { kind: 'private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/ },
  { kind: 'AWS access key id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  {
    kind: 'GitHub token',
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/,
  },
  { kind: 'Slack token', pattern: /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Stripe key', pattern: /(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}/ },
  {
    kind: 'JSON Web Token',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/,
  },
  {
    kind: 'URL with a password',
    pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]+)@/i,
    group: 1,
    accept: notPlaceholder,
  },
  {
    kind: 'password assignment',
    pattern:
      /\b(?:password|passwd|passphrase|secret|client[_-]?secret|token|api[_-]?key|access[_-]?key|private[_-]?key)\s*[:=]\s*["']?([^\s"',;]+)/i,
    group: 1,
    accept: looksLikePassword,
  },
];

// Quick test a string must pass before any detector runs: most values are short names.
const PREFILTER =
  /AKIA|ASIA|gh[pousr]_|github_pat_|xox[baprs]-|k_live_|private|eyJ|:\/\/|passw|passphrase|secret|token|api[_-]?key|access[_-]?key/i;
// A value held under a key named like a secret (e.g. a label 'password: ...').
const SECRET_KEY =
  /^(?:password|passwd|passphrase|secret|client[_-]?secret|token|api[_-]?key|access[_-]?key|private[_-]?key)$/i;
// Runs of base64/base64url/hex characters long enough to be a random key.
const CANDIDATE = /[A-Za-z0-9+/=_-]{32,}/g;
const MIN_ENTROPY = 4.0;
const MIN_SWITCH_RATIO = 0.35;

export default createRule({
  id: 'secret-value',
  meta: {
    description:
      'A value in a policy file looks like a secret (a key, a token, a password, a private key); files hold references to secrets, never secrets.',
    severity: 'error',
    hint: 'Remove the secret, rotate it (it is in git history now), and refer to it with a credentialRef such as vault://….',
    category: 'identity',
  },
  check({ index, report }) {
    const documents = [
      ...(index.config ? [index.config] : []),
      ...index.agents,
      ...index.templates.values(),
      ...index.tiers.values(),
      ...index.systems.values(),
    ];
    for (const doc of documents) {
      // Segments of the current path; the pointer is only built for a finding.
      const path: (string | number)[] = [];
      const visit = (value: unknown, key: string | undefined): void => {
        if (typeof value === 'string') {
          const found = detectSecret(value, key);
          if (found) {
            report({
              file: doc.file,
              pointer: toPointer(...path),
              message: `this value looks like a ${found.kind} (${preview(found.secret)}); policy files must not hold secrets`,
            });
          }
        } else if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            path.push(i);
            visit(value[i], key);
            path.pop();
          }
        } else if (value !== null && typeof value === 'object') {
          for (const k of Object.keys(value)) {
            path.push(k);
            visit((value as Record<string, unknown>)[k], k);
            path.pop();
          }
        }
      };
      visit(doc.data, undefined);
    }
  },
});

/** The kind of secret a string holds and the secret itself, or undefined. */
function detectSecret(value: string, key: string | undefined): { kind: string; secret: string } | undefined {
  if (value.length < 8) return undefined;
  if (REFERENCE.test(value) || EMAIL.test(value)) return undefined;
  if (PREFILTER.test(value)) {
    for (const d of DETECTORS) {
      const m = d.pattern.exec(value);
      if (!m) continue;
      const secret = m[d.group ?? 0] ?? m[0];
      if (d.accept && !d.accept(secret)) continue;
      return { kind: d.kind, secret: m[0] };
    }
  }
  if (key !== undefined && SECRET_KEY.test(key) && looksLikePassword(value)) {
    return { kind: `value of '${key}'`, secret: value };
  }
  if (value.length >= 32) {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(value); m; m = CANDIDATE.exec(value)) {
      if (isRandomLooking(m[0])) return { kind: 'high-entropy string', secret: m[0] };
    }
  }
  return undefined;
}

const counts = new Int32Array(128);
const LOWER = 1;
const UPPER = 2;
const DIGIT = 4;
const OTHER = 8;

function classOf(c: number): number {
  return c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : OTHER;
}

/**
 * Whether a run of key characters looks random: mixed classes (two of lower case, upper case,
 * digits), at least MIN_ENTROPY bits of Shannon entropy per character, and characters that
 * switch class often. Identifiers such as MyCompanyProductionServer01 have the entropy but
 * long runs of lower case; random keys switch class on roughly two characters in three.
 */
function isRandomLooking(s: string): boolean {
  let seen = 0;
  let switches = 0;
  let previous = classOf(s.charCodeAt(0));
  for (let i = 0; i < s.length; i++) {
    const c = classOf(s.charCodeAt(i));
    seen |= c;
    if (c !== previous) switches++;
    previous = c;
  }
  const mixed = (seen & LOWER ? 1 : 0) + (seen & UPPER ? 1 : 0) + (seen & DIGIT ? 1 : 0) >= 2;
  if (!mixed || switches / (s.length - 1) < MIN_SWITCH_RATIO) return false;
  counts.fill(0);
  for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i)]!++;
  let entropy = 0;
  for (const n of counts) {
    if (n === 0) continue;
    const p = n / s.length;
    entropy -= p * Math.log2(p);
  }
  return entropy >= MIN_ENTROPY;
}

/** The first characters of a secret, never more than a quarter of it, so the message leaks nothing useful. */
function preview(secret: string): string {
  return `${secret.slice(0, Math.min(4, Math.floor(secret.length / 4)))}…`;
}
