import type { GrantSite, PolicyIndex } from '../compile/policy-index.js';
import type { Grant } from '../model/generated.js';
import type { Risk } from '../model/modes.js';

/** Shared by the rules: how grants are named in messages, found and compared. */

/** Tiers' defaults, as the RiskTier schema documents them. */
export const DEFAULT_GATED_RISKS: readonly Risk[] = ['high', 'critical'];
export const DEFAULT_EXPIRY_RISKS: readonly Risk[] = ['high', 'critical'];

/** 'crm/case [read, create]'. */
export function describeGrant(grant: Grant): string {
  return `${grant.system}/${grant.resource} [${grant.actions.join(', ')}]`;
}

/** A grant as an agent holds it: 'crm/case [refund] through template 'refunds''. */
export function describeHeldGrant(site: GrantSite): string {
  const grant = describeGrant(site.grant);
  return site.via ? `${grant} through template '${site.via.template}'` : grant;
}

/**
 * Where a finding about a grant an agent holds goes: the grant's own field when the agent wrote
 * it, or the agent's template reference when it came through a template.
 */
export function locateHeldGrant(site: GrantSite, field: string): { file: string; pointer: string } {
  return site.via
    ? { file: site.via.file, pointer: `${site.via.pointer}/template` }
    : { file: site.file, pointer: `${site.pointer}/${field}` };
}

/** 'a', 'a and b', 'a, b and c'. */
export function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1
    ? parts.join('')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The first `max` names, then how many more. */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * Calls visit for every grant as written: each template's grants once, and each agent's inline
 * grants. Rules about a grant's own shape use this, so a template grant is reported once, in
 * the template, however many agents include it.
 */
export function forEachWrittenGrant(
  index: PolicyIndex,
  visit: (file: string, owner: string, grant: Grant, position: number) => void,
): void {
  for (const template of index.templates.values()) {
    template.data.spec.grants.forEach((grant, i) =>
      visit(template.file, `template '${template.name}'`, grant, i),
    );
  }
  for (const agent of index.agents) {
    (agent.data.spec.grants ?? []).forEach((entry, i) => {
      if (!('template' in entry)) visit(agent.file, `agent '${agent.name}'`, entry, i);
    });
  }
}

const keys = new WeakMap<Grant, string>();

/** Identity of a grant: everything that decides what it allows (reason and expires do not). */
export function grantKey(grant: Grant): string {
  let key = keys.get(grant);
  if (key === undefined) keys.set(grant, (key = computeGrantKey(grant)));
  return key;
}

function computeGrantKey(grant: Grant): string {
  return [
    grant.system,
    grant.resource,
    [...new Set(grant.actions)].sort().join(','),
    grant.mode,
    grant.fields ? [...new Set(grant.fields)].sort().join(',') : '',
    grant.when ? canonicalJson(grant.when) : '',
  ].join('\0');
}

/** JSON with object keys sorted, so that key order in the YAML does not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
