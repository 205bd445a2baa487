/**
 * The postgres target's settings (leash.yaml spec.targets.<name> with type postgres), read
 * once into a typed object. The JSON Schema has checked their shapes; this checks what it
 * cannot see: that the password's environment variable is set.
 */
import type { TargetSettings } from '../../types.js';
import { DEFAULT_ROLE_PREFIX } from './names.js';

/** Settings of a postgres target, with defaults applied. */
export interface PostgresSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  /** The name of the environment variable holding the password; no password when absent. */
  passwordEnv?: string;
  rolePrefix: string;
  timeoutMs: number;
}

const ROLE_PREFIX = /^[a-z_][a-z0-9_]{0,15}$/;

/** Settings, or the problems with them (never both). */
export function readSettings(settings: TargetSettings): { value?: PostgresSettings; problems: string[] } {
  const problems: string[] = [];
  const text = (key: string, fallback?: string): string => {
    const value = settings[key] ?? fallback;
    if (typeof value !== 'string' || value === '') {
      problems.push(`${key} must be a non-empty string`);
      return '';
    }
    return value;
  };
  const host = text('host', '127.0.0.1');
  const database = text('database');
  const user = text('user');
  const rolePrefix = text('rolePrefix', DEFAULT_ROLE_PREFIX);
  if (rolePrefix && !ROLE_PREFIX.test(rolePrefix)) {
    problems.push(`rolePrefix ${rolePrefix} must be lowercase letters, digits and '_', at most 16`);
  }
  const port = settings.port ?? 5432;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push('port must be an integer from 1 to 65535');
  }
  const passwordEnv = settings.passwordEnv;
  if (passwordEnv !== undefined && (typeof passwordEnv !== 'string' || passwordEnv === '')) {
    problems.push('passwordEnv must be the name of an environment variable');
  }
  const timeoutSeconds = settings.timeoutSeconds ?? 30;
  if (typeof timeoutSeconds !== 'number' || !(timeoutSeconds > 0)) {
    problems.push('timeoutSeconds must be a positive number');
  }
  if (problems.length > 0) return { problems };
  return {
    value: {
      host,
      port: port as number,
      database,
      user,
      ...(typeof passwordEnv === 'string' ? { passwordEnv } : {}),
      rolePrefix,
      timeoutMs: Math.round(timeoutSeconds * 1000),
    },
    problems,
  };
}

/** Problems with the settings and the environment they need, as messages. */
export function checkPostgresSettings(
  settings: TargetSettings,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const { value, problems } = readSettings(settings);
  if (value?.passwordEnv !== undefined && !env[value.passwordEnv]) {
    problems.push(`passwordEnv: the environment variable ${value.passwordEnv} is not set`);
  }
  return problems;
}
