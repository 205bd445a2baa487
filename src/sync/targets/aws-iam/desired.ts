/**
 * What the aws-iam target should hold (pure): a role per agent, a grant policy per agent and
 * system, and a deny-all on the role of an agent that is not active.
 */
import type { DesiredInput, EnforcedPermission, JsonObject, ManagedObject } from '../../types.js';
import { ROLE_NAME, checkPermission, denyAllDocument, grantDocument } from './policy.js';

/** Object type names, shared by desired and read. */
export const ROLE = 'role';
export const SUSPENSION = 'suspension';
export const POLICY = 'policy';

/**
 * The role's attributes: settings-dependent parts (path, trust policy) are not known to the
 * pure desired state, so the role says its trust policy must be the configured one, and read
 * reports `as-configured` or, on drift, the document it found.
 */
export const TRUST_AS_CONFIGURED = 'as-configured';

export function roleAttributes(): JsonObject {
  return { trustPolicy: TRUST_AS_CONFIGURED };
}

/** The id of an agent's grant policy on a system. */
export function policyId(agent: string, system: string): string {
  return `${agent}/${system}`;
}

export function desiredIamObjects(input: DesiredInput): ManagedObject[] {
  const out: ManagedObject[] = [];
  for (const agent of input.agents) {
    if (!ROLE_NAME.test(agent.name)) {
      throw new Error(
        `aws-iam: agent "${agent.name}" cannot be an IAM role name (letters, digits and +=,.@_- only, at most 64 characters)`,
      );
    }
    out.push({ type: ROLE, id: agent.name, agent: agent.name, attributes: roleAttributes() });
    if (agent.status !== 'active') {
      // Grants go with the status (permissions is empty then); the deny-all also stops
      // anything attached to the role outside leash.
      out.push({
        type: SUSPENSION,
        id: agent.name,
        agent: agent.name,
        attributes: { document: denyAllDocument() },
      });
      continue;
    }
    const bySystem = new Map<string, EnforcedPermission[]>();
    for (const p of agent.permissions) {
      // Writes the agent only recommends or drafts, and permissions with no IAM actions
      // mapped, grant nothing here.
      if (!p.performs || p.permissions.length === 0) continue;
      checkPermission(p);
      const list = bySystem.get(p.system) ?? [];
      list.push(p);
      bySystem.set(p.system, list);
    }
    for (const [system, permissions] of bySystem) {
      out.push({
        type: POLICY,
        id: policyId(agent.name, system),
        agent: agent.name,
        attributes: { system, document: grantDocument(permissions) },
      });
    }
  }
  return out;
}
