/**
 * Reading only leash.yaml: what `authorize` (and the kill switch) need, so they work when
 * every other file of the repository is broken.
 */
import { readPolicyFilesAt } from '../source/files.js';
import { loadPolicyFiles } from '../source/load.js';
import { locateDiagnostics } from '../source/positions.js';
import type { ConfigDocument } from '../model/document.js';
import { configTargets } from './enforcement.js';
import type { TargetSettings } from './types.js';

/** Raised when leash.yaml exists but cannot be used. */
export class ConfigReadError extends Error {
  override name = 'ConfigReadError';
}

/** The targets leash.yaml declares (the embedded default when it declares none or is absent). */
export function readConfigTargets(dir: string): Record<string, TargetSettings> {
  return configTargets(readConfigOnly(dir));
}

/** leash.yaml alone, loaded with every loader check; undefined when the repository has none. */
export function readConfigOnly(dir: string): ConfigDocument | undefined {
  const read = readPolicyFilesAt(dir, ['leash.yaml']);
  const loaded = loadPolicyFiles(read.files);
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  const problems = locateDiagnostics(
    [...read.diagnostics, ...loaded.diagnostics],
    (f) => texts.get(f),
    loaded.locators,
  ).filter((d) => d.severity === 'error');
  const first = problems[0];
  if (first) {
    throw new ConfigReadError(
      `${first.file}:${first.range?.start.line ?? 1}:${first.range?.start.column ?? 1}: ${first.message}`,
    );
  }
  return loaded.documents.find((d): d is ConfigDocument => d.kind === 'Config');
}
