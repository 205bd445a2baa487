import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  RULES
} from "./chunk-EFRS7QHD.js";
import {
  loadPolicyFiles,
  locateDiagnostics
} from "./chunk-SFW64KNG.js";
import {
  buildPolicyIndex,
  sortDiagnostics,
  toPointer
} from "./chunk-U3POP4QY.js";

// src/lint/run.ts
function runLint(index, options) {
  const rules = options.rules ?? RULES;
  const overrides = index.config?.data.spec.lint?.rules ?? {};
  const out = [];
  const known = new Set(RULES.map((r) => r.id));
  for (const id of Object.keys(overrides)) {
    if (!known.has(id)) {
      out.push({
        ruleId: "unknown-rule",
        severity: "error",
        message: `'${id}' is not a lint rule`,
        hint: "Run `leash rules` for the list of rule ids.",
        file: index.config.file,
        pointer: toPointer("spec", "lint", "rules", id),
        on: "key"
      });
    }
  }
  for (const rule of rules) {
    const configured = overrides[rule.id];
    if (configured === "off") continue;
    const severity = configured ?? rule.meta.severity;
    rule.check({
      index,
      now: options.now,
      report: (finding) => out.push({
        ruleId: rule.id,
        severity,
        message: finding.message,
        hint: finding.hint ?? rule.meta.hint,
        file: finding.file,
        pointer: finding.pointer,
        ...finding.on ? { on: finding.on } : {}
      })
    });
  }
  return out;
}

// src/validate.ts
function validatePolicyFiles(read, options) {
  const loaded = loadPolicyFiles(read.files);
  const index = buildPolicyIndex(loaded.documents, loaded.brokenNames);
  const raw = [...read.diagnostics, ...loaded.diagnostics, ...runLint(index, { now: options.now })];
  const texts = new Map(read.files.map((f) => [f.path, f.text]));
  const diagnostics = sortDiagnostics(locateDiagnostics(raw, (file) => texts.get(file), loaded.locators));
  return { documents: loaded.documents, index, diagnostics, files: read.files };
}

export {
  validatePolicyFiles
};
