// The leash library: everything the CLI does, usable from code.
export * from './model/index.js';
export { validatePolicyFiles } from './validate.js';
export type { ValidateOptions, ValidateResult } from './validate.js';
export { readPolicyDir, PolicyReadError, CONFIG_FILE, POLICY_FOLDERS } from './source/files.js';
export type { ReadResult } from './source/files.js';
export { readPolicyRevision, GitError } from './source/git.js';
export { loadPolicyFiles, kindForPath } from './source/load.js';
export type { LoadResult } from './source/load.js';
export { parsePolicyYaml } from './source/parse.js';
export { createLocator, locateDiagnostics } from './source/positions.js';
export { LIMITS } from './source/limits.js';
export { LOADER_CHECKS } from './source/checks.js';
export { validateAgainstSchema } from './schema/validate-schema.js';
export { SCHEMA_DIR, SCHEMA_FILES, readSchema } from './schema/schemas.js';
export { buildPolicyIndex, parseLeashDate, isWrite } from './compile/policy-index.js';
export type { PolicyIndex, GrantSite, CoveredAction } from './compile/policy-index.js';
export { runLint } from './lint/run.js';
export { RULES, findRule } from './lint/registry.js';
export { createRule } from './lint/rule.js';
export type { Rule, RuleMeta, RuleContext, RuleReport } from './lint/rule.js';
export { listRuleInfo } from './lint/catalog.js';
export { VALIDATE_FORMATTERS } from './report/index.js';
export type { ValidateFormat, ValidateReport, FormatOptions, RuleInfo } from './report/index.js';
export { runCli } from './cli/main.js';
export type { CliIo } from './cli/io.js';
export { compileModel, mergePermissions } from './compile/compile.js';
export type {
  EffectiveModel,
  EffectiveAgent,
  Permission,
  PermissionSource,
  CompileOptions,
} from './compile/compile.js';
export { locateModelSources } from './compile/provenance.js';
export { diffSides, diffAgent, headline } from './diff/diff.js';
export type { DiffSide } from './diff/diff.js';
export { diffRevisions, readConfigAt, BaseConfigError } from './diff/revisions.js';
export type { DiffRevisionsOptions } from './diff/revisions.js';
export type * from './diff/types.js';
export { scoreAgent, scoreChange, RISK_POINTS, MODE_FACTOR } from './diff/risk.js';
export { BLAST_FORMATTERS } from './report/blast.js';
export * from './approvals/index.js';
export { buildInventory } from './inventory/inventory.js';
export type { Inventory } from './inventory/inventory.js';
export { INVENTORY_FORMATTERS } from './report/inventory.js';
export * from './audit/index.js';
