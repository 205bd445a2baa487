import type { GrantSite } from '../../compile/policy-index.js';
import { parseLeashDate } from '../../compile/policy-index.js';
import { createRule } from '../rule.js';

const DAY_MS = 86_400_000;

function describeGrant(site: GrantSite): string {
  const g = site.grant;
  return `${g.system}/${g.resource} [${g.actions.join(', ')}]`;
}

export default createRule({
  id: 'expiry-too-long',
  meta: {
    description: "A grant's expiry lies further ahead than its agent's RiskTier allows (expiry.maxDays).",
    severity: 'error',
    hint: "Move the expiry closer, within the tier's expiry.maxDays from today.",
    category: 'expiry',
  },
  check({ index, now, report }) {
    // The last day allowed, as YYYY-MM-DD; an expiry any time on that day (UTC) still passes.
    const limitByTier = new Map<string, { lastDay: string; limit: number } | null>();
    const limitOf = (tierName: string, maxDays: number | undefined) => {
      let hit = limitByTier.get(tierName);
      if (hit === undefined) {
        const lastDay =
          maxDays === undefined
            ? undefined
            : new Date(now.getTime() + maxDays * DAY_MS).toISOString().slice(0, 10);
        hit = lastDay === undefined ? null : { lastDay, limit: parseLeashDate(lastDay).getTime() };
        limitByTier.set(tierName, hit);
      }
      return hit;
    };
    for (const agent of index.agents) {
      const tier = index.tiers.get(agent.data.spec.tier);
      if (!tier) continue;
      const maxDays = tier.data.spec.expiry?.maxDays;
      const bounds = limitOf(tier.name, maxDays);
      if (!bounds) continue;
      const { lastDay, limit } = bounds;
      let reportedRefs: Set<string> | undefined;
      for (const site of index.grantSites(agent)) {
        const expires = site.expires;
        if (expires === undefined || parseLeashDate(expires).getTime() <= limit) continue;
        const bound = `after ${lastDay}, the last day tier '${tier.name}' allows (${maxDays} days from now)`;
        if (!site.via) {
          report({
            file: site.file,
            pointer: `${site.pointer}/expires`,
            message: `agent '${agent.name}' holds ${describeGrant(site)} until ${expires}, ${bound}`,
          });
        } else if (site.via.expires !== undefined && site.via.expires === expires) {
          // The template reference sets the expiry of every grant it brings: one finding for all.
          reportedRefs ??= new Set<string>();
          if (reportedRefs.has(site.via.pointer)) continue;
          reportedRefs.add(site.via.pointer);
          report({
            file: site.via.file,
            pointer: `${site.via.pointer}/expires`,
            message: `agent '${agent.name}' holds template '${site.via.template}' until ${expires}, ${bound}`,
          });
        } else {
          report({
            file: site.via.file,
            pointer: `${site.via.pointer}/template`,
            message: `agent '${agent.name}' holds ${describeGrant(site)} through template '${site.via.template}' until ${expires} (the template grant's expiry), ${bound}`,
          });
        }
      }
    }
  },
});
