import type { Rule } from './rule.js';
import duplicateGrant from './rules/duplicate-grant.js';
import expiredGrant from './rules/expired-grant.js';
import expiryTooLong from './rules/expiry-too-long.js';
import missingExpiry from './rules/missing-expiry.js';
import missingSponsor from './rules/missing-sponsor.js';
import modeAboveTier from './rules/mode-above-tier.js';
import overlappingGrants from './rules/overlapping-grants.js';
import piiWriteWithoutFields from './rules/pii-write-without-fields.js';
import reviewOverdue from './rules/review-overdue.js';
import riskAboveTier from './rules/risk-above-tier.js';
import secretValue from './rules/secret-value.js';
import sharedCredential from './rules/shared-credential.js';
import ungatedRiskyAction from './rules/ungated-risky-action.js';
import unknownAction from './rules/unknown-action.js';
import unknownEnvironment from './rules/unknown-environment.js';
import unknownField from './rules/unknown-field.js';
import unknownResource from './rules/unknown-resource.js';
import unknownSystem from './rules/unknown-system.js';
import unknownTarget from './rules/unknown-target.js';
import unknownTemplate from './rules/unknown-template.js';
import unknownTier from './rules/unknown-tier.js';
import unusedTemplate from './rules/unused-template.js';
import wildcardWrite from './rules/wildcard-write.js';

/** Every lint rule, in id order. A meta-test checks each has a test and a docs/rules page. */
export const RULES = [
  duplicateGrant,
  expiredGrant,
  expiryTooLong,
  missingExpiry,
  missingSponsor,
  modeAboveTier,
  overlappingGrants,
  piiWriteWithoutFields,
  reviewOverdue,
  riskAboveTier,
  secretValue,
  sharedCredential,
  ungatedRiskyAction,
  unknownAction,
  unknownEnvironment,
  unknownField,
  unknownResource,
  unknownSystem,
  unknownTarget,
  unknownTemplate,
  unknownTier,
  unusedTemplate,
  wildcardWrite,
] as const satisfies readonly Rule[];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
