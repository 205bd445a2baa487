import { resolve } from 'node:path';
import type { AuthorizeResult } from '../sync/targets/local/authorize.js';
import { Authorizer } from '../sync/targets/local/authorize.js';
import { localAdapter } from '../sync/targets/local/index.js';
import type { LocalStore } from '../sync/targets/local/index.js';
import { ConfigReadError, readConfigTargets } from '../sync/config.js';
import type { CliIo } from './io.js';
import { CliError, EXIT, parseNow } from './io.js';

export interface AuthorizeFlags {
  agent: string;
  system: string;
  resource: string;
  action: string;
  context?: string[];
  dir: string;
  target?: string;
  at?: string;
  format: 'text' | 'json';
}

/**
 * `leash authorize`: asks the local store (what the last sync wrote, not the repository) whether
 * an agent may perform an action now. Exit 0 for allow, 1 for every other decision, 2 on error.
 */
export async function authorizeCommand(flags: AuthorizeFlags, io: CliIo): Promise<number> {
  const context: Record<string, string> = {};
  for (const pair of flags.context ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--context ${pair}: expected key=value`);
    const key = pair.slice(0, eq);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key))
      throw new CliError(`--context ${pair}: keys are letters, digits and _`);
    context[key] = pair.slice(eq + 1);
  }
  const dir = resolve(io.cwd, flags.dir);
  let targets;
  try {
    targets = readConfigTargets(dir);
  } catch (error) {
    if (error instanceof ConfigReadError) throw new CliError(error.message);
    throw error;
  }
  const locals = Object.entries(targets).filter(([, s]) => s.type === 'local');
  const chosen = flags.target ? locals.find(([name]) => name === flags.target) : locals[0];
  if (!chosen) {
    throw new CliError(
      flags.target
        ? `leash.yaml declares no local target ${flags.target}`
        : 'leash.yaml declares no local target; authorize asks the local Cedar store',
    );
  }
  const [name, settings] = chosen;
  const store = (await localAdapter.connect({ name, settings, env: io.env, baseDir: dir })) as LocalStore;
  let result: AuthorizeResult;
  try {
    result = await new Authorizer(store).authorize({
      agent: flags.agent,
      system: flags.system,
      resource: flags.resource,
      action: flags.action,
      context,
      at: parseNow(flags.at),
    });
  } catch (error) {
    throw new CliError(`authorize: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (flags.format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          agent: flags.agent,
          system: flags.system,
          resource: flags.resource,
          action: flags.action,
          ...result,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const lines = [`${result.decision}: ${result.reason}`];
    if (result.grant) lines.push(`  grant: ${result.grant.mode}, from ${result.grant.sources.join(', ')}`);
    for (const o of result.obligations) lines.push(`  obligation: ${o}`);
    io.stdout(lines.join('\n') + '\n');
  }
  return result.decision === 'allow' ? EXIT.ok : EXIT.problems;
}
