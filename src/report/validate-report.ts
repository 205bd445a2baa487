import type { Diagnostic } from '../model/diagnostic.js';

/** What the formatters need of a validation run. */
export interface ValidateReport {
  /** Diagnostics with `file` already relative to where the user stands. */
  diagnostics: Diagnostic[];
  /** How many policy files were read. */
  fileCount: number;
  /** How many documents loaded cleanly. */
  documentCount: number;
}

/** A rule or loader check as the formatters list it. */
export interface RuleInfo {
  id: string;
  description: string;
  severity: Diagnostic['severity'];
  /** Link to the rule's documentation. */
  helpUri: string;
}

export interface FormatOptions {
  /** Every rule and check, for formats that list them (SARIF). */
  rules: readonly RuleInfo[];
  /** ANSI colours in text output. */
  color?: boolean;
  toolVersion: string;
}
