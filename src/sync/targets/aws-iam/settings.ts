/**
 * The aws-iam target's settings from leash.yaml, checked and resolved once. Secrets come only
 * from the environment variables the settings name.
 */
import type { TargetSettings } from '../../types.js';

/** The settings a connection works with, defaults applied and credentials resolved. */
export interface AwsIamSettings {
  region: string;
  endpoint?: string;
  /** The IAM path leash's roles live under; only roles at exactly this path are read. */
  path: string;
  trustedPrincipal: string;
  /** Absent: the AWS SDK's default credential chain (instance role, SSO, shared config). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_PATH = '/leash/';

const PATH = /^\/([A-Za-z0-9+=,.@_-]+\/)*$/;
const PRINCIPAL = /^arn:aws[a-z-]*:iam::[0-9]{12}:[A-Za-z0-9+=,.@_/-]+$/;
const REGION = /^[a-z0-9-]{1,32}$/;

/** Problems with the settings, as messages; empty when they are usable. */
export function checkAwsIamSettings(
  settings: TargetSettings,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = settings[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${key} must be a string`);
      return undefined;
    }
    return value;
  };
  const region = text('region');
  if (region !== undefined && !REGION.test(region))
    problems.push(`region "${region}" is not an AWS region name`);
  const endpoint = text('endpoint');
  if (endpoint !== undefined && !/^https?:\/\/\S+$/.test(endpoint)) {
    problems.push(`endpoint "${endpoint}" is not an http(s) URL`);
  }
  const path = text('path');
  if (path !== undefined && (!PATH.test(path) || path.length > 512)) {
    problems.push(`path "${path}" is not an IAM path (it starts and ends with /, e.g. /leash/)`);
  }
  const principal = text('trustedPrincipal');
  if (principal === undefined) {
    problems.push('trustedPrincipal is required: the ARN allowed to assume the agents’ roles');
  } else if (!PRINCIPAL.test(principal)) {
    problems.push(`trustedPrincipal "${principal}" is not an IAM ARN (arn:aws:iam::<account>:role/<name>)`);
  }
  const keyEnv = text('accessKeyIdEnv');
  const secretEnv = text('secretAccessKeyEnv');
  if ((keyEnv === undefined) !== (secretEnv === undefined)) {
    problems.push(
      'accessKeyIdEnv and secretAccessKeyEnv go together: set both, or neither for the default credential chain',
    );
  }
  for (const [key, name] of [
    ['accessKeyIdEnv', keyEnv],
    ['secretAccessKeyEnv', secretEnv],
  ] as const) {
    if (name !== undefined && !env[name])
      problems.push(`${key}: the environment variable ${name} is not set`);
  }
  return problems;
}

/** Resolves the settings; throws with every problem when they are not usable. */
export function resolveAwsIamSettings(
  settings: TargetSettings,
  env: Readonly<Record<string, string | undefined>>,
): AwsIamSettings {
  const problems = checkAwsIamSettings(settings, env);
  if (problems.length > 0) throw new Error(`aws-iam target settings: ${problems.join('; ')}`);
  const keyEnv = settings.accessKeyIdEnv as string | undefined;
  const secretEnv = settings.secretAccessKeyEnv as string | undefined;
  return {
    region: (settings.region as string | undefined) ?? DEFAULT_REGION,
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint as string } : {}),
    path: (settings.path as string | undefined) ?? DEFAULT_PATH,
    trustedPrincipal: settings.trustedPrincipal as string,
    ...(keyEnv !== undefined && secretEnv !== undefined
      ? { credentials: { accessKeyId: env[keyEnv] as string, secretAccessKey: env[secretEnv] as string } }
      : {}),
  };
}
