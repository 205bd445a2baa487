import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { toPointer } from '../model/diagnostic.js';
import { SCHEMA_DIR } from '../schema/schemas.js';
import { isCalendarDate } from '../schema/formats.js';
import { createLocator } from '../source/positions.js';
import type { Membership, Review, SignoffContext } from './types.js';
import { describeSchemaErrors } from '../schema/validate-schema.js';

/** The schema of the reviews file, shipped beside the policy schemas. */
export const REVIEWS_SCHEMA_FILE = 'reviews.schema.json';

/** Largest reviews file read: thousands of reviews and team members fit many times over. */
export const MAX_REVIEWS_FILE_BYTES = 16 * 1024 * 1024;

/** Most problems reported for one reviews file. */
const MAX_DIAGNOSTICS = 50;

/**
 * The input of `leash approvals` (schemas/reviews.schema.json): what evaluateSignoff needs about
 * a pull request, with its reviews as GitHub's REST API returns them.
 */
export interface ReviewsFile {
  headSha: string;
  author: { id: number; login: string };
  pushers: { id: number; login?: string }[];
  reviews: Review[];
  membership: Membership;
}

export interface ReviewsFileResult {
  /** Present only when the file is valid. */
  data?: ReviewsFile;
  /** Every problem found, with file, JSON pointer and 1-based range; empty when valid. */
  diagnostics: Diagnostic[];
}

/** Reads and validates a reviews file. Problems (unreadable, not JSON, not the schema) are diagnostics. */
export async function readReviewsFile(path: string, displayPath: string = path): Promise<ReviewsFileResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? String(error)})`;
    return { diagnostics: [fileProblem(displayPath, `the reviews file ${displayPath} ${why}`)] };
  }
  if (bytes.length > MAX_REVIEWS_FILE_BYTES) {
    return {
      diagnostics: [
        fileProblem(
          displayPath,
          `the reviews file is ${bytes.length} bytes; at most ${MAX_REVIEWS_FILE_BYTES} bytes are read`,
        ),
      ],
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { diagnostics: [fileProblem(displayPath, 'the reviews file is not valid UTF-8')] };
  }
  return parseReviewsFile(displayPath, text);
}

/** Parses and validates the text of a reviews file. Pure. */
export function parseReviewsFile(file: string, text: string): ReviewsFileResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const position = at ? positionOf(body, Number(at[1])) : { line: 1, column: 1 };
    return {
      diagnostics: [
        {
          ...fileProblem(file, `the reviews file is not valid JSON: ${message}`),
          range: { start: position, end: position },
        },
      ],
    };
  }
  const validate = getValidator();
  const diagnostics: Diagnostic[] = validate(data)
    ? checkMeaning(file, data as ReviewsFile)
    : describeSchemaErrors(validate.errors ?? [], {
        file,
        ruleId: 'reviews-schema',
        subject: 'the reviews file',
        schemaName: REVIEWS_SCHEMA_FILE,
        format: (value) => ({
          message: `is not an RFC 3339 date-time: ${JSON.stringify(value)}`,
          hint: 'GitHub writes submitted_at as e.g. 2027-01-31T17:00:00Z.',
        }),
      });
  if (diagnostics.length === 0) return { data: data as ReviewsFile, diagnostics: [] };
  const locate = createLocator(body);
  const unique = new Map<string, Diagnostic>();
  for (const d of diagnostics) unique.set(`${d.pointer}\0${d.message}`, d);
  const located = [...unique.values()]
    .map((d) => ({ ...d, range: locate(d.pointer, d.on) }))
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  return { diagnostics: located.slice(0, MAX_DIAGNOSTICS) };
}

/** The context evaluateSignoff takes, from a valid reviews file. */
export function toSignoffContext(file: ReviewsFile): SignoffContext {
  return {
    headSha: file.headSha,
    author: { id: file.author.id, login: file.author.login },
    pushers: file.pushers.map((p) => ({ id: p.id, ...(p.login !== undefined ? { login: p.login } : {}) })),
    membership: file.membership,
  };
}

// ---------------------------------------------------------------------------------------------

let validator: ValidateFunction | undefined;

function getValidator(): ValidateFunction {
  if (validator) return validator;
  // The reviews file is not a policy document, so it has its own small instance with the same
  // settings as src/schema's, rather than joining the policy kinds there.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    verbose: true,
  });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => s.includes('T') && isCalendarDate(s),
  });
  validator = ajv.compile(readReviewsSchema());
  return validator;
}

/** schemas/reviews.schema.json, parsed. */
export function readReviewsSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_DIR + REVIEWS_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
}

/** What the schema cannot say: logins or teams listed twice in different case, review ids reused. */
function checkMeaning(file: string, data: ReviewsFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const caseTwins = (section: 'users' | 'teams') => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(data.membership[section])) {
      const lower = key.toLowerCase();
      const first = seen.get(lower);
      if (first !== undefined) {
        out.push({
          ...schemaProblem(file, toPointer('membership', section, key)),
          message: `'membership/${section}' lists '${first}' and '${key}', which GitHub treats as the same ${section === 'users' ? 'login' : 'team'}`,
          hint: 'List each once; leash matches logins and teams without regard to case.',
          on: 'key',
        });
      } else {
        seen.set(lower, key);
      }
    }
  };
  caseTwins('users');
  caseTwins('teams');
  const ids = new Map<number, number>();
  data.reviews.forEach((review, i) => {
    const first = ids.get(review.id);
    if (first !== undefined) {
      out.push({
        ...schemaProblem(file, toPointer('reviews', i, 'id')),
        message: `review id ${review.id} appears twice (reviews ${first} and ${i})`,
      });
    } else {
      ids.set(review.id, i);
    }
  });
  return out;
}

function schemaProblem(file: string, pointer: string): Diagnostic {
  return { ruleId: 'reviews-schema', severity: 'error', file, pointer, message: '' };
}

function fileProblem(file: string, message: string): Diagnostic {
  return { ruleId: 'reviews-file', severity: 'error', file, pointer: '', message };
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
