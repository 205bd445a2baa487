import type { Rule } from './rule.js';
import expiredGrant from './rules/expired-grant.js';
import expiryTooLong from './rules/expiry-too-long.js';
import missingExpiry from './rules/missing-expiry.js';
import modeAboveTier from './rules/mode-above-tier.js';
import riskAboveTier from './rules/risk-above-tier.js';
import ungatedRiskyAction from './rules/ungated-risky-action.js';
import unknownAction from './rules/unknown-action.js';
import unknownField from './rules/unknown-field.js';
import unknownResource from './rules/unknown-resource.js';
import unknownSystem from './rules/unknown-system.js';
import unknownTarget from './rules/unknown-target.js';
import unknownTemplate from './rules/unknown-template.js';
import unknownTier from './rules/unknown-tier.js';

/** Every lint rule, in id order. A meta-test checks each has a test and a docs/rules page. */
export const RULES = [
  expiredGrant,
  expiryTooLong,
  missingExpiry,
  modeAboveTier,
  riskAboveTier,
  ungatedRiskyAction,
  unknownAction,
  unknownField,
  unknownResource,
  unknownSystem,
  unknownTarget,
  unknownTemplate,
  unknownTier,
] as const satisfies readonly Rule[];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
