import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  RULES
} from "./chunk-EFRS7QHD.js";

// src/source/checks.ts
var LOADER_CHECKS = {
  "yaml-syntax": "The file is not well-formed YAML.",
  "duplicate-key": "A mapping repeats a key; YAML parsers disagree on which value wins.",
  "alias-limit": "Aliases expand past the limit (a possible alias bomb).",
  "yaml-directive": "The file uses a %YAML or %TAG directive.",
  "unknown-tag": "The file uses a YAML tag outside the core schema (!foo, !!binary, !!python/...).",
  "forbidden-key": "A key is __proto__, constructor or prototype.",
  "file-too-large": "The file is over 128 KiB, or over 32 KiB and uses anchors, aliases, tags or directives.",
  "nesting-too-deep": "Collections are nested deeper than the limit (32 levels).",
  "multiple-documents": "The file holds more than one YAML document.",
  "empty-file": "The file is empty.",
  "not-a-file": "A policy path is not a regular file (a named pipe, a device, a socket), or a policy folder is a file.",
  "too-many-problems": "The file has more problems than are reported for one file (100).",
  "invalid-encoding": "The file is binary or not valid UTF-8.",
  symlink: "A policy file or folder is a symbolic link; links are not followed.",
  submodule: "The repository holds a git submodule or a nested repository.",
  "unsafe-reference": "A name or reference tries to be a path ('..', absolute, backslash).",
  "invalid-name": "A name, key or reference holds non-ASCII, look-alike or invisible characters.",
  "non-finite-number": "A number is .inf or .nan.",
  "invalid-document": "The file does not hold a mapping.",
  "api-version": "apiVersion is missing or not leash/v1.",
  "unknown-kind": "kind is not one of Config, Agent, Template, RiskTier, System.",
  "kind-mismatch": "The document's kind does not belong in its folder.",
  "name-mismatch": "metadata.name differs from the file name.",
  "duplicate-name": "Two documents of one kind share a name.",
  schema: "The document does not match its kind's JSON Schema.",
  "unknown-rule": "leash.yaml configures a lint rule that does not exist."
};

// src/lint/catalog.ts
var DOCS_BASE = "https://github.com/leash-dev/leash/blob/main/docs/";
function listRuleInfo() {
  return [
    ...Object.entries(LOADER_CHECKS).map(([id, description]) => ({
      id,
      description,
      severity: "error",
      helpUri: `${DOCS_BASE}loader-checks.md#${id}`
    })),
    ...RULES.map((r) => ({
      id: r.id,
      description: r.meta.description,
      severity: r.meta.severity,
      helpUri: `${DOCS_BASE}rules/${r.id}.md`
    }))
  ];
}

export {
  DOCS_BASE,
  listRuleInfo
};
