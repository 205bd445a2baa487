import type { Agent, Config, RiskTier, System, Template } from './generated.js';
import type { Kind } from './modes.js';

/** A file as read from a directory or a git revision: repository-relative POSIX path and text. */
export interface SourceFile {
  path: string;
  text: string;
  /** Git blob id, when read from git; lets caches skip hashing. */
  blob?: string;
}

interface DocumentBase<K extends Kind, D> {
  kind: K;
  name: string;
  file: string;
  data: D;
}

export type AgentDocument = DocumentBase<'Agent', Agent>;
export type TemplateDocument = DocumentBase<'Template', Template>;
export type RiskTierDocument = DocumentBase<'RiskTier', RiskTier>;
export type SystemDocument = DocumentBase<'System', System>;
export type ConfigDocument = DocumentBase<'Config', Config>;

/** A file that parsed and passed its kind's schema. */
export type PolicyDocument =
  AgentDocument | TemplateDocument | RiskTierDocument | SystemDocument | ConfigDocument;
