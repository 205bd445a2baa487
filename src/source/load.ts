import type { Diagnostic } from '../model/diagnostic.js';
import type { PolicyDocument, SourceFile } from '../model/document.js';
import type { Kind } from '../model/modes.js';
import { API_VERSION, KINDS } from '../model/modes.js';
import { validateAgainstSchema } from '../schema/validate-schema.js';
import { CONFIG_FILE } from './files.js';
import { LIMITS } from './limits.js';
import { checkNames, printable } from './names.js';
import { parsePolicyYaml } from './parse.js';
import type { ParsedFile } from './parse.js';
import type { Locate } from './yaml-locate.js';

export interface LoadResult {
  /** Documents that parsed and passed their schema, sorted by kind then name. */
  documents: PolicyDocument[];
  /** Loader diagnostics (positions not yet resolved for fast-parsed files). */
  diagnostics: Diagnostic[];
  /**
   * Names of documents that exist but are broken, by kind. References to them are not reported
   * as unknown: the broken file has its own diagnostic.
   */
  brokenNames: Map<Kind, Set<string>>;
  /** Position lookups built while parsing (full-parser files), so no file is parsed twice. */
  locators: Map<string, Locate>;
}

const KIND_BY_FOLDER = new Map<string, Kind>(
  (Object.entries(KINDS) as [Kind, string][]).filter(([, f]) => f !== '').map(([k, f]) => [f, k]),
);

/** The kind a file's location says it holds, or undefined when the location holds no policy. */
export function kindForPath(path: string): Kind | undefined {
  if (path === CONFIG_FILE) return 'Config';
  return KIND_BY_FOLDER.get(path.split('/')[0]!);
}

/**
 * Results of loading single files, reusable across loads: a file with the same path and text in
 * two revisions is parsed and checked once. Keyed by path, then compared by text: no key is
 * built from (or hashes) a file's whole text.
 */
export class LoadCache {
  private readonly byPath = new Map<string, { text: string; result: LoadedFile }[]>();

  get(path: string, text: string): LoadedFile | undefined {
    return this.byPath.get(path)?.find((e) => e.text === text)?.result;
  }

  set(path: string, text: string, result: LoadedFile): void {
    const entries = this.byPath.get(path);
    if (entries) entries.push({ text, result });
    else this.byPath.set(path, [{ text, result }]);
  }
}

export function createLoadCache(): LoadCache {
  return new LoadCache();
}

/**
 * Parses and checks every file; pure (no IO). A broken file never stops the others: each
 * problem becomes a diagnostic and the file's document is left out.
 */
export function loadPolicyFiles(
  files: readonly SourceFile[],
  options: { cache?: LoadCache } = {},
): LoadResult {
  const documents: PolicyDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const brokenNames = new Map<Kind, Set<string>>();
  const locators = new Map<string, Locate>();
  const seen = new Map<string, string>();
  const markBroken = (kind: Kind, name: string) => {
    const set = brokenNames.get(kind) ?? new Set<string>();
    set.add(name);
    brokenNames.set(kind, set);
  };
  for (const file of files) {
    const expected = kindForPath(file.path);
    if (!expected) continue;
    let result = options.cache?.get(file.path, file.text);
    if (!result) {
      result = loadOne(file, expected);
      options.cache?.set(file.path, file.text, result);
    }
    if (result.locate) locators.set(file.path, result.locate);
    for (const d of result.diagnostics) diagnostics.push(d);
    if (result.name === undefined) {
      // A file too broken to name still counts: rules that need the whole picture (a template
      // nobody uses) must not conclude from a partial one. '' is never a valid name.
      // Its file name stands in for its name (they must be equal), so a reference to it, or
      // the same document on another revision, is known to be broken rather than missing.
      if (!result.document) {
        markBroken(expected, '');
        markBroken(expected, file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, ''));
      }
      continue;
    }
    const key = `${expected}\0${result.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      diagnostics.push({
        ruleId: 'duplicate-name',
        severity: 'error',
        message: `a ${expected} named '${result.name}' is already defined in ${first}`,
        hint: 'Names are unique per kind; rename one of the two.',
        file: file.path,
        pointer: '/metadata/name',
      });
      continue;
    }
    seen.set(key, file.path);
    if (result.document) documents.push(result.document);
    else markBroken(expected, result.name);
  }
  documents.sort((a, b) =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return { documents, diagnostics, brokenNames, locators };
}

/** One file loaded: its document when it is sound, its name when it has one, its problems. */
export interface LoadedFile {
  document?: PolicyDocument;
  name?: string;
  diagnostics: Diagnostic[];
  locate?: Locate;
}

function loadOne(file: SourceFile, expected: Kind): LoadedFile {
  const parsed = parsePolicyYaml(file.path, file.text);
  const result: LoadedFile = {
    ...checkOne(file, expected, parsed),
    ...(parsed.locate ? { locate: parsed.locate } : {}),
  };
  const max = LIMITS.maxDiagnosticsPerFile;
  if (result.diagnostics.length <= max) return result;
  const shown = result.diagnostics.slice(0, max);
  shown.push({
    ruleId: 'too-many-problems',
    severity: 'error',
    message: `only the first ${max} problems in this file are shown`,
    hint: 'Fix the problems shown first; the file may not be a policy file at all.',
    file: file.path,
    pointer: '',
  });
  return { ...result, diagnostics: shown };
}

function checkOne(file: SourceFile, expected: Kind, parsed: ParsedFile): LoadedFile {
  const diagnostics = parsed.diagnostics;
  const problem = (ruleId: string, message: string, pointer: string, hint?: string): LoadedFile => ({
    diagnostics: [
      ...diagnostics,
      { ruleId, severity: 'error', message, file: file.path, pointer, ...(hint ? { hint } : {}) },
    ],
  });
  if (parsed.data === undefined && diagnostics.length > 0) return { diagnostics };
  const data = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return problem(
      'invalid-document',
      'the file must hold a mapping with apiVersion, kind, metadata and spec',
      '',
      'Start the file with apiVersion, kind, metadata and spec at the top level.',
    );
  }
  const doc = data as Record<string, unknown>;
  if (doc.apiVersion !== API_VERSION) {
    return problem(
      'api-version',
      doc.apiVersion === undefined
        ? `apiVersion is missing; expected '${API_VERSION}'`
        : `apiVersion '${printable(String(doc.apiVersion))}' is not supported; expected '${API_VERSION}'`,
      '/apiVersion',
      `Set apiVersion: ${API_VERSION}.`,
    );
  }
  if (typeof doc.kind !== 'string' || !Object.hasOwn(KINDS, doc.kind)) {
    return problem(
      'unknown-kind',
      `kind '${printable(String(doc.kind))}' is not a leash kind; expected one of ${Object.keys(KINDS).join(', ')}`,
      '/kind',
      `Set kind to ${expected}: files under ${expected === 'Config' ? CONFIG_FILE : `${KINDS[expected]}/`} hold ${expected} documents.`,
    );
  }
  if (doc.kind !== expected) {
    const where = expected === 'Config' ? CONFIG_FILE : `${KINDS[expected]}/`;
    return problem(
      'kind-mismatch',
      `${where} holds ${expected} documents, but this file is a ${doc.kind}`,
      '/kind',
      doc.kind === 'Config'
        ? `Move it to ${CONFIG_FILE}.`
        : `Move it to ${KINDS[doc.kind as Kind] || CONFIG_FILE}/.`,
    );
  }
  for (const d of checkNames(file.path, data)) diagnostics.push(d);
  // The loader's findings are more precise than the schema's about the same value ('.inf is not
  // a finite number' beats 'must be an integer'), so schema errors on those values are dropped.
  const reported = new Set(diagnostics.map((d) => d.pointer).filter((p) => p !== ''));
  const meta = doc.metadata as Record<string, unknown> | undefined;
  const name = typeof meta?.name === 'string' ? meta.name : undefined;
  // A name already reported as unreadable is not also reported as differing from the file name.
  const nameReported = diagnostics.some((d) => d.pointer === '/metadata/name');
  if (name !== undefined && expected !== 'Config' && !nameReported) {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
    if (base !== name) {
      diagnostics.push({
        ruleId: 'name-mismatch',
        severity: 'error',
        message: `metadata.name '${printable(name)}' differs from the file name '${printable(base)}'`,
        hint: `Rename the file to ${printable(name)}.yaml or set metadata.name to ${printable(base)}.`,
        file: file.path,
        pointer: '/metadata/name',
      });
    }
  }
  const covered = (pointer: string) => {
    for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) if (reported.has(p)) return true;
    return false;
  };
  for (const d of validateAgainstSchema(expected, file.path, data))
    if (!covered(d.pointer)) diagnostics.push(d);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return {
    diagnostics,
    ...(name !== undefined ? { name } : {}),
    ...(ok && name !== undefined
      ? { document: { kind: expected, name, file: file.path, data } as PolicyDocument }
      : {}),
  };
}
