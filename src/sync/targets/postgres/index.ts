/**
 * The `postgres` target: a role per agent (LOGIN while the agent is active, NOLOGIN when it is
 * suspended or revoked) and the table and column privileges of what each agent performs
 * itself. Leash marks its roles with a comment made in the transaction that creates them and
 * trusts only that marker: any other role, and any grant to one, is left alone.
 * See docs/targets/postgres.md.
 */
import type { TargetAdapter } from '../../types.js';
import { PostgresConnection } from './connection.js';
import { PRIVILEGE_TYPE, ROLE_TYPE, defaultObject, defaultPermissions, desiredObjects } from './desired.js';
import { checkPostgresSettings, readSettings } from './settings.js';

export const postgresAdapter: TargetAdapter = {
  type: 'postgres',
  objectTypes: [
    { name: ROLE_TYPE, class: 'identity' },
    { name: PRIVILEGE_TYPE, class: 'grant' },
  ],
  checkSettings: checkPostgresSettings,
  desired: desiredObjects,
  defaults: {
    object: (_system, resource) => defaultObject(resource),
    permissions: (action) => defaultPermissions(action),
  },
  async connect(context) {
    const { value: settings, problems } = readSettings(context.settings);
    if (!settings) throw new Error(`postgres target ${context.name}: ${problems.join('; ')}`);
    let password: string | undefined;
    if (settings.passwordEnv !== undefined) {
      password = context.env[settings.passwordEnv];
      if (!password) {
        throw new Error(
          `postgres target ${context.name}: the environment variable ${settings.passwordEnv} (passwordEnv) is not set`,
        );
      }
    }
    const connection = new PostgresConnection(settings, password);
    await connection.open(context.signal);
    return connection;
  },
};
