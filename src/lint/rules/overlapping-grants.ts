import type { CoveredAction, GrantSite } from '../../compile/policy-index.js';
import { toPointer } from '../../model/diagnostic.js';
import type { Grant } from '../../model/generated.js';
import { createRule } from '../rule.js';
import { grantKey } from '../grant-text.js';

const MAX_LISTED = 3;

export default createRule({
  id: 'overlapping-grants',
  meta: {
    description:
      'Two different grants of one agent cover the same system, resource and action, so which mode applies is unclear.',
    severity: 'warning',
    hint: 'Keep one grant per resource and action: merge the two, or narrow one so they no longer overlap.',
    category: 'hygiene',
  },
  check({ index, report }) {
    // coveredActions returns one shared array per (system, resource, actions): key the pair
    // names on it, so that agents with the same grant share the strings.
    const pairs = new WeakMap<readonly CoveredAction[], string[]>();
    const pairsOf = (grant: Grant): string[] => {
      const covered = index.coveredActions(grant);
      let hit = pairs.get(covered);
      if (hit === undefined) {
        hit = covered.map((c) => `${grant.system}\0${c.resourceName}\0${c.actionName}`);
        pairs.set(covered, hit);
      }
      return hit;
    };

    /**
     * Finds, for each grant of a list, the earlier non-identical grants that cover one of its
     * pairs. `skip` tells pairs of grants that are someone else's finding.
     */
    const findOverlaps = (grants: readonly Grant[], skip: (later: number, earlier: number) => boolean) => {
      // Which grants cover each pair, in order; grant keys are only computed on a collision.
      const byPair = new Map<string, number[]>();
      const found = new Map<number, Map<number, string[]>>();
      grants.forEach((grant, at) => {
        for (const pair of pairsOf(grant)) {
          const coverings = byPair.get(pair);
          if (!coverings) {
            byPair.set(pair, [at]);
            continue;
          }
          const key = grantKey(grant);
          const flagged = new Set<string>();
          for (const earlier of coverings) {
            if (earlier === at) continue;
            const earlierKey = grantKey(grants[earlier]!);
            if (earlierKey === key || flagged.has(earlierKey) || skip(at, earlier)) continue;
            flagged.add(earlierKey);
            let withLater = found.get(at);
            if (!withLater) found.set(at, (withLater = new Map()));
            const shared = withLater.get(earlier);
            if (shared) shared.push(pair);
            else withLater.set(earlier, [pair]);
          }
          coverings.push(at);
        }
      });
      return found;
    };

    for (const template of index.templates.values()) {
      const grants = template.data.spec.grants;
      for (const [later, withEarlier] of findOverlaps(grants, () => false)) {
        for (const [earlier, shared] of withEarlier) {
          report({
            file: template.file,
            pointer: toPointer('spec', 'grants', later),
            message: `template '${template.name}' grants ${listPairs(shared)} twice: in ${grants[earlier]!.mode} at /spec/grants/${earlier} and in ${grants[later]!.mode} at /spec/grants/${later}`,
          });
        }
      }
    }

    for (const agent of index.agents) {
      const sites = index.grantSites(agent);
      if (sites.length < 2) continue;
      // Overlaps inside one template are reported on the template, once.
      const sameTemplate = (a: number, b: number) => {
        const va = sites[a]!.via;
        const vb = sites[b]!.via;
        return va !== undefined && vb !== undefined && va.template === vb.template;
      };
      const found = findOverlaps(
        sites.map((s) => s.grant),
        sameTemplate,
      );
      for (const [later, withEarlier] of found) {
        const site = sites[later]!;
        for (const [earlier, shared] of withEarlier) {
          const first = sites[earlier]!;
          report({
            file: agent.file,
            pointer: site.via ? `${site.via.pointer}/template` : site.pointer,
            message: `agent '${agent.name}' holds ${listPairs(shared)} twice: in ${first.grant.mode} by ${describeSite(first)} and in ${site.grant.mode} by ${describeSite(site)}`,
          });
        }
      }
    }
  },
});

function listPairs(pairs: readonly string[]): string {
  const shown = pairs.slice(0, MAX_LISTED).map((p) => {
    const [system, resource, action] = p.split('\0');
    return `${system} ${resource}.${action}`;
  });
  const more = pairs.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

function describeSite(site: GrantSite): string {
  return site.via
    ? `template '${site.via.template}' (included at ${site.via.pointer}, grant ${site.pointer})`
    : `the inline grant at ${site.pointer}`;
}
