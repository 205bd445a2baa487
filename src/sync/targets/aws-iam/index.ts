/**
 * The aws-iam target: a role per agent under a configured IAM path, an inline policy per
 * agent and system holding its grants, and a deny-all inline policy while the agent is
 * suspended or revoked. See docs/targets/aws-iam.md.
 */
import type { ConnectContext, TargetAdapter, TargetConnection } from '../../types.js';
import { AwsIamConnection, type AwsIamTuning } from './connection.js';
import { POLICY, ROLE, SUSPENSION, desiredIamObjects } from './desired.js';
import { checkAwsIamSettings, resolveAwsIamSettings } from './settings.js';

/** Opens a connection; `tuning` is for tests and the benchmark (page size, read strategy). */
export async function connectAwsIam(
  context: ConnectContext,
  tuning: AwsIamTuning = {},
): Promise<TargetConnection> {
  return new AwsIamConnection(resolveAwsIamSettings(context.settings, context.env), tuning);
}

export const awsIamAdapter: TargetAdapter = {
  type: 'aws-iam',
  // The deny-all counts with the identity: it is the role's disabled state, not a grant, so
  // lifting a suspension is not a removal the guardrails weigh.
  objectTypes: [
    { name: ROLE, class: 'identity' },
    { name: SUSPENSION, class: 'identity' },
    { name: POLICY, class: 'grant' },
  ],
  checkSettings: checkAwsIamSettings,
  desired: desiredIamObjects,
  // No defaults: an IAM grant needs actions and an ARN that only the System can name.
  connect: (context) => connectAwsIam(context),
};

export type { AwsIamTuning, ReadStrategy } from './connection.js';
