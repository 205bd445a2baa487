import { parseDuration, parseLeashDate } from '../../compile/policy-index.js';
import { createRule } from '../rule.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export default createRule({
  id: 'review-overdue',
  meta: {
    description: "An agent's access review is missing or older than its tier's reviewEvery allows.",
    severity: 'warning',
    hint: "Have the sponsor review the agent's access, then set spec.lastReviewed to the review date.",
    category: 'hygiene',
  },
  check({ index, now, report }) {
    for (const agent of index.agents) {
      // Suspended and revoked agents hold nothing, so there is no access to review.
      const status = agent.data.spec.status ?? 'active';
      if (status !== 'active') continue;
      const tier = index.tiers.get(agent.data.spec.tier);
      const every = tier?.data.spec.reviewEvery;
      if (!tier || every === undefined) continue;
      const period = parseDuration(every);
      if (period === undefined) continue;
      const requirement = `tier '${tier.name}' requires a review every ${every}`;
      const last = agent.data.spec.lastReviewed;
      if (last === undefined) {
        report({
          file: agent.file,
          pointer: '/spec',
          on: 'key',
          message: `agent '${agent.name}' has no lastReviewed date; ${requirement}`,
        });
        continue;
      }
      const reviewed = parseLeashDate(last).getTime();
      // The schema refuses dates that do not exist; this only guards against a bypassed loader.
      if (Number.isNaN(reviewed)) continue;
      const age = now.getTime() - reviewed;
      if (age <= period) continue;
      const due = new Date(reviewed + period).toISOString().slice(0, 10);
      report({
        file: agent.file,
        pointer: '/spec/lastReviewed',
        message: `agent '${agent.name}' was last reviewed on ${last}, ${describeAge(age)} ago; ${requirement}, so a review was due by ${due}`,
      });
    }
  },
});

function describeAge(ms: number): string {
  if (ms < 2 * DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    return `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `${Math.floor(ms / DAY_MS)} days`;
}
