import type { Risk } from '../../model/modes.js';
import { rankRisk } from '../../model/modes.js';
import { createRule } from '../rule.js';
import { DEFAULT_EXPIRY_RISKS, describeHeldGrant, joinAnd } from '../grant-text.js';

export default createRule({
  id: 'missing-expiry',
  meta: {
    description:
      'An agent holds a grant covering an action whose risk its RiskTier requires to expire (expiry.requiredFor), and the grant has no expiry.',
    severity: 'error',
    hint: 'Add expires: to the grant, or to the template reference when the grant comes from a template.',
    category: 'expiry',
  },
  check({ index, report }) {
    const requiredByTier = new Map<string, ReadonlySet<Risk>>();
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      let required = requiredByTier.get(tier.name);
      if (!required) {
        required = new Set(tier.data.spec.expiry?.requiredFor ?? DEFAULT_EXPIRY_RISKS);
        requiredByTier.set(tier.name, required);
      }
      if (required.size === 0) continue;
      for (const site of index.grantSites(agent)) {
        // Escalate and read-only cannot change anything, so they need not lapse.
        if (site.expires !== undefined || site.grant.mode === 'escalate' || site.grant.mode === 'read-only')
          continue;
        let top: { name: string; risk: Risk } | undefined;
        for (const c of index.coveredActions(site.grant)) {
          if (!required.has(c.action.risk)) continue;
          if (!top || rankRisk(c.action.risk) > rankRisk(top.risk))
            top = { name: `${site.grant.system}/${c.resourceName}.${c.actionName}`, risk: c.action.risk };
        }
        if (!top) continue;
        report({
          ...(site.via
            ? { file: site.via.file, pointer: `${site.via.pointer}/template` }
            : { file: site.file, pointer: `${site.pointer}/expires` }),
          message: `agent '${agent.name}' holds ${describeHeldGrant(site)} in ${site.grant.mode} mode with no expiry, but it covers ${top.name} (${top.risk} risk) and tier '${tier.name}' requires an expiry for ${joinAnd([...required])} risks`,
        });
      }
    }
  },
});
