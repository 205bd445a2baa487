import { describe, expect, it } from 'vitest';
import { buildPolicyIndex } from '../../src/compile/policy-index.js';
import { runLint } from '../../src/lint/run.js';
import type { Rule } from '../../src/lint/rule.js';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { sortDiagnostics } from '../../src/model/diagnostic.js';
import { loadPolicyFiles } from '../../src/source/load.js';
import { locateDiagnostics } from '../../src/source/positions.js';
import { TEST_NOW, repoFiles } from './policy-repo.js';

export interface RuleCase {
  name: string;
  /** Files replacing or adding to the base repository (null removes one). */
  files: Record<string, string | null>;
  now?: Date;
  /** The case breaks a file on purpose: loader diagnostics are expected, not a fixture typo. */
  brokenFiles?: boolean;
}

export interface ExpectedFinding {
  file: string;
  line: number;
  column: number;
  /** A part of the message, or a pattern it must match. */
  message?: string | RegExp;
}

export interface InvalidRuleCase extends RuleCase {
  errors: ExpectedFinding[];
}

/** Loads, indexes and runs one rule; returns the rule's located findings and the loader's. */
export function lintWithRule(rule: Rule, files: Record<string, string | null>, now = TEST_NOW) {
  const sources = repoFiles(files);
  const loaded = loadPolicyFiles(sources);
  const index = buildPolicyIndex(loaded.documents, loaded.brokenNames);
  const texts = new Map(sources.map((f) => [f.path, f.text]));
  const locate = (ds: Diagnostic[]) => sortDiagnostics(locateDiagnostics(ds, (f) => texts.get(f)));
  return {
    findings: locate(runLint(index, { now, rules: [rule] }).filter((d) => d.ruleId === rule.id)),
    loader: locate(loaded.diagnostics),
  };
}

/**
 * Tests a rule the way typescript-eslint's RuleTester does: valid cases report nothing, invalid
 * cases report exactly the listed findings at file, line and column. Every case's files must
 * load cleanly, so the rule, not a typo in the fixture, is what is tested.
 */
export function testRule(rule: Rule, cases: { valid: RuleCase[]; invalid: InvalidRuleCase[] }): void {
  describe(`rule ${rule.id}`, () => {
    it('has a description, a hint and a default severity', () => {
      expect(rule.meta.description.length).toBeGreaterThan(10);
      expect(rule.meta.hint.length).toBeGreaterThan(10);
      expect(['error', 'warning', 'info']).toContain(rule.meta.severity);
    });
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const { findings, loader } = lintWithRule(rule, c.files, c.now);
        if (c.brokenFiles) expect(loader.length).toBeGreaterThan(0);
        else expect(loader).toEqual([]);
        expect(findings).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const { findings, loader } = lintWithRule(rule, c.files, c.now);
        if (c.brokenFiles) expect(loader.length).toBeGreaterThan(0);
        else expect(loader).toEqual([]);
        expect(c.errors.length).toBeGreaterThan(0);
        expect(
          findings.map((d) => ({ file: d.file, line: d.range!.start.line, column: d.range!.start.column })),
        ).toEqual(c.errors.map((e) => ({ file: e.file, line: e.line, column: e.column })));
        findings.forEach((d, i) => {
          expect(d.ruleId).toBe(rule.id);
          expect(d.severity).toBe(rule.meta.severity);
          const m = c.errors[i]!.message;
          if (typeof m === 'string') expect(d.message).toContain(m);
          else if (m) expect(d.message).toMatch(m);
        });
      });
    }
  });
}
