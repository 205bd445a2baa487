import type { Membership, Review, SignoffRequirement } from '../approvals/types.js';
import type { GitHubClient } from './client.js';

/**
 * Resolves, at evaluation time, what sign-off needs to know of people: the numeric id of every
 * approver-group login, and which of the reviewers who approved are active members of each
 * required team. Only approvers are looked up, so a large team costs nothing. A membership
 * GitHub will not show (404: not a member, or the token cannot see the team) counts as not a
 * member; `problems` says when the token could not read teams at all.
 */
export async function resolveMembership(
  client: GitHubClient,
  requirement: SignoffRequirement,
  reviews: readonly Review[],
): Promise<{ membership: Membership; problems: string[] }> {
  const logins = [...new Set(requirement.requirements.flatMap((r) => r.users))].sort();
  const teams = [...new Set(requirement.requirements.flatMap((r) => r.teams))].sort();
  const approvers = new Map<number, string>();
  for (const r of reviews) if (r.user && r.state === 'APPROVED') approvers.set(r.user.id, r.user.login);
  const problems: string[] = [];
  const users: Record<string, number> = {};
  await Promise.all(
    logins.map(async (login) => {
      try {
        const { data } = await client.rest.users.getByUsername({ username: login });
        users[login] = data.id;
      } catch (error) {
        if (status(error) !== 404) throw error;
        problems.push(`the approver-group login '${login}' is not a GitHub account`);
      }
    }),
  );
  const members: Record<string, number[]> = {};
  for (const team of teams) {
    const [org, slug] = team.split('/') as [string, string];
    const ids: number[] = [];
    for (const [id, login] of approvers) {
      try {
        const { data } = await client.rest.teams.getMembershipForUserInOrg({
          org,
          team_slug: slug,
          username: login,
        });
        if (data.state === 'active') ids.push(id);
      } catch (error) {
        const code = status(error);
        if (code === 403)
          problems.push(`the token cannot read the members of ${team}; grant it members: read`);
        else if (code !== 404) throw error;
      }
    }
    members[team] = ids.sort((a, b) => a - b);
  }
  return { membership: { users, teams: members }, problems: [...new Set(problems)] };
}

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error
    ? Number((error as { status: unknown }).status)
    : undefined;
}
