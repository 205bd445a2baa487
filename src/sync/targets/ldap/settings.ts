/**
 * The ldap target's settings (leash.yaml spec.targets.<name> with type ldap), read once into a
 * typed object. The JSON Schema has checked their shapes; this checks what it cannot see: that
 * the DNs parse and that the password's environment variable is set.
 */
import type { TargetSettings } from '../../types.js';
import { DnSyntaxError, normalizeDn, parseDn } from './dn.js';

/** Settings of an ldap target, with defaults applied. */
export interface LdapSettings {
  url: string;
  bindDn: string;
  /** The name of the environment variable holding bindDn's password. */
  passwordEnv: string;
  /** The container of the agents' entries, as written and normalised. */
  agentsDn: string;
  agentsDnNormalized: string;
  /** The container of the entitlement groups, as written and normalised. */
  groupsDn: string;
  groupsDnNormalized: string;
  timeoutMs: number;
}

/** Settings, or the problems with them (never both). */
export function readLdapSettings(settings: TargetSettings): { value?: LdapSettings; problems: string[] } {
  const problems: string[] = [];
  const text = (key: string): string => {
    const value = settings[key];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${key} must be a non-empty string`);
      return '';
    }
    return value.trim();
  };
  const dn = (key: string): { written: string; normalized: string } => {
    const written = text(key);
    if (written === '') return { written, normalized: '' };
    try {
      if (parseDn(written).length === 0) throw new DnSyntaxError('it is empty');
      return { written, normalized: normalizeDn(written) };
    } catch (error) {
      problems.push(
        `${key} ${JSON.stringify(written)} is not a distinguished name: ${(error as Error).message}`,
      );
      return { written, normalized: '' };
    }
  };
  const url = text('url');
  if (url && !/^ldaps?:\/\/[^\s/]+\/?$/i.test(url)) {
    problems.push(`url ${url} must be ldap://host[:port] or ldaps://host[:port]`);
  }
  const bindDn = dn('bindDn');
  const agentsDn = dn('agentsDn');
  const groupsDn = dn('groupsDn');
  const passwordEnv = settings.passwordEnv;
  if (typeof passwordEnv !== 'string' || passwordEnv === '') {
    problems.push('passwordEnv must name the environment variable holding the password of bindDn');
  }
  const timeoutSeconds = typeof settings.timeoutSeconds === 'number' ? settings.timeoutSeconds : 30;
  if (problems.length > 0) return { problems };
  return {
    value: {
      url,
      bindDn: bindDn.written,
      passwordEnv: passwordEnv as string,
      agentsDn: agentsDn.written,
      agentsDnNormalized: agentsDn.normalized,
      groupsDn: groupsDn.written,
      groupsDnNormalized: groupsDn.normalized,
      timeoutMs: Math.round(timeoutSeconds * 1000),
    },
    problems,
  };
}

/** Problems with the settings and the environment they need, as messages. */
export function checkLdapSettings(
  settings: TargetSettings,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const { value, problems } = readLdapSettings(settings);
  if (value && !env[value.passwordEnv]) {
    problems.push(`passwordEnv: the environment variable ${value.passwordEnv} is not set`);
  }
  return problems;
}
