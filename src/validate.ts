import { buildPolicyIndex } from './compile/policy-index.js';
import type { PolicyIndex } from './compile/policy-index.js';
import { runLint } from './lint/run.js';
import type { Diagnostic } from './model/diagnostic.js';
import { sortDiagnostics } from './model/diagnostic.js';
import type { PolicyDocument, SourceFile } from './model/document.js';
import type { ReadResult } from './source/files.js';
import { loadPolicyFiles } from './source/load.js';
import { locateDiagnostics } from './source/positions.js';

export interface ValidateOptions {
  /** The moment to judge expiries against. */
  now: Date;
}

export interface ValidateResult {
  documents: PolicyDocument[];
  index: PolicyIndex;
  /** Every problem, with file, line and column, sorted and de-duplicated. */
  diagnostics: Diagnostic[];
  files: SourceFile[];
}

/**
 * Loads, schema-checks and lints a repository's files; pure (the files are already read).
 * Problems in one file never stop the others from being checked.
 */
export function validatePolicyFiles(read: ReadResult, options: ValidateOptions): ValidateResult {
  const loaded = loadPolicyFiles(read.files);
  const index = buildPolicyIndex(loaded.documents, loaded.brokenNames);
  const raw = [...read.diagnostics, ...loaded.diagnostics, ...runLint(index, { now: options.now })];
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  const diagnostics = sortDiagnostics(locateDiagnostics(raw, (file) => texts.get(file), loaded.locators));
  return { documents: loaded.documents, index, diagnostics, files: read.files };
}
