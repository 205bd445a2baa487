import { Command, CommanderError, Option } from 'commander';
import type { CliError, CliIo } from './io.js';
import { EXIT } from './io.js';
import { leashVersion } from './version.js';
import type { ApprovalsFlags } from './approvals-command.js';
import type { DiffFlags } from './diff-command.js';
import type { InventoryFlags } from './inventory-command.js';
import type { ApplyFlags, PlanFlags, SyncFlags } from './sync-command.js';
import type { KillFlags } from './kill-command.js';
import type { AuthorizeFlags } from './authorize-command.js';
import type { AuditVerifyFlags } from './audit-command.js';

/**
 * Runs the leash CLI and returns its exit code; never exits or reads process.argv itself.
 * Exit codes: 0 clean, 1 policy problems, 2 fatal or usage error.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('leash')
    .description('Permissions-as-code for AI agents: validate, diff and sync a policy repository.')
    .version(leashVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command('validate')
    .description(
      'Check a policy repository: YAML safety, schemas and every lint rule. Exit 0 clean, 1 problems, 2 fatal.',
    )
    .argument('[dir]', 'the policy repository', '.')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json', 'sarif', 'github'])
        .default('text'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1')
        .choices(['error', 'warning', 'info'])
        .default('warning'),
    )
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now')
    .option('--cache', 'reuse the last result while no policy file has changed')
    .option('--cache-location <path>', 'where the cache is kept', '.leash-cache/validate.json')
    .exitOverride()
    .action(async (dir: string, opts: ValidateFlags) => {
      const { validateCommand } = await import('./validate-command.js');
      exitCode = await validateCommand(dir, opts, io);
    });

  program
    .command('compile')
    .description('Print the effective model: per agent, every permission with where it came from (JSON).')
    .argument('[dir]', 'the policy repository', '.')
    .option('--now <time>', 'drop grants expired as of this ISO 8601 time instead of now')
    .exitOverride()
    .action(async (dir: string, opts: { now?: string }) => {
      const { compileCommand } = await import('./compile-command.js');
      exitCode = await compileCommand(dir, opts, io);
    });

  program
    .command('diff')
    .description(
      "The blast radius of a change: what each agent gains and loses between two revisions, who it reaches, and how risky it is. Exit 1 when a file the change touches can't be read.",
    )
    .argument('[dir]', 'the policy repository (a folder in a git work tree)', '.')
    .requiredOption('--base <rev>', 'the revision to compare against (e.g. origin/main)')
    .option('--head <rev>', 'the revision to compare (default: the work tree as it is on disk)')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now')
    .exitOverride()
    .action(async (dir: string, opts: DiffFlags) => {
      const { diffCommand } = await import('./diff-command.js');
      exitCode = await diffCommand(dir, opts, io);
    });

  program
    .command('approvals')
    .description(
      'Who must approve a change and why, from the rules of the BASE revision. With --reviews, whether that is met (exit 1 when not).',
    )
    .argument('[dir]', 'the policy repository (a folder in a git work tree)', '.')
    .requiredOption('--base <rev>', 'the revision whose rules judge the change (e.g. origin/main)')
    .option('--head <rev>', 'the revision to judge (default: the work tree as it is on disk)')
    .option(
      '--reviews <file>',
      "the pull request's reviews, author, pushers and team membership (schemas/reviews.schema.json)",
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now')
    .exitOverride()
    .action(async (dir: string, opts: ApprovalsFlags) => {
      const { approvalsCommand } = await import('./approvals-command.js');
      exitCode = await approvalsCommand(dir, opts, io);
    });

  program
    .command('inventory')
    .description(
      'List every agent: what it reaches, who is accountable, and governance figures. Exit 0 clean, 1 repository errors, 2 fatal.',
    )
    .argument('[dir]', 'the policy repository', '.')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'markdown', 'json', 'csv'])
        .default('text'),
    )
    .option('-o, --output <file>', 'write the inventory to a file instead of stdout')
    .option('--now <time>', 'judge expiries and reviews as of this ISO 8601 time instead of now')
    .exitOverride()
    .action(async (dir: string, opts: InventoryFlags) => {
      const { inventoryCommand } = await import('./inventory-command.js');
      exitCode = await inventoryCommand(dir, opts, io);
    });

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const syncFormat = () =>
    new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text');

  program
    .command('plan')
    .description(
      'Dry run of a sync: read every target and print the changes that would make it hold what the repository says (no writes). Exit 0 planned, 1 held back (guardrail, broken files), 2 a target could not be read.',
    )
    .argument('[dir]', 'the policy repository', '.')
    .option('-o, --out <file>', 'save the plan (JSON, schemas/plan.schema.json) for leash apply')
    .addOption(syncFormat())
    .option('-t, --target <name>', 'only this target (repeatable)', collect)
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now')
    .option('--override-guardrails', 'let through removals the guardrails in leash.yaml would stop')
    .exitOverride()
    .action(async (dir: string, opts: PlanFlags) => {
      const { planCommand } = await import('./sync-command.js');
      exitCode = await planCommand(dir, opts, io);
    });

  program
    .command('apply')
    .description(
      'Apply a saved plan (refusing any target whose state changed since it was made), or with no plan, plan and apply (as sync). Exit 0 applied, 1 held back, 2 a change failed or a target was unreachable.',
    )
    .argument('[plan]', 'a plan saved by leash plan --out')
    .option('-C, --dir <dir>', 'the policy repository (for the targets and their settings)', '.')
    .addOption(syncFormat())
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now (without a plan)')
    .option('--actor <name>', 'who runs it, for the audit log (default: GITHUB_ACTOR, else the OS user)')
    .option('--pr <number>', 'the pull request whose merge this enacts, for the audit log')
    .option('--approvers <logins>', "the pull request's approvers, comma-separated, for the audit log")
    .exitOverride()
    .action(async (plan: string | undefined, opts: ApplyFlags) => {
      const { applyCommand } = await import('./sync-command.js');
      exitCode = await applyCommand(plan, opts, io);
    });

  program
    .command('sync')
    .description(
      'Make every target hold exactly what the repository says: plan and apply. Exit 0 in sync, 1 held back (guardrail, broken files), 2 a change failed or a target was unreachable.',
    )
    .argument('[dir]', 'the policy repository', '.')
    .addOption(syncFormat())
    .option('-t, --target <name>', 'only this target (repeatable)', collect)
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now')
    .option('--override-guardrails', 'let through removals the guardrails in leash.yaml would stop')
    .option('--actor <name>', 'who runs it, for the audit log (default: GITHUB_ACTOR, else the OS user)')
    .option('--pr <number>', 'the pull request whose merge this enacts, for the audit log')
    .option('--approvers <logins>', "the pull request's approvers, comma-separated, for the audit log")
    .exitOverride()
    .action(async (dir: string, opts: SyncFlags) => {
      const { syncCommand } = await import('./sync-command.js');
      exitCode = await syncCommand(dir, opts, io);
    });

  program
    .command('drift')
    .description(
      'Report what changed in the targets out of band: every difference between the repository and what the targets hold. Exit 0 none, 1 drift, 2 a target could not be read.',
    )
    .argument('[dir]', 'the policy repository', '.')
    .addOption(syncFormat())
    .option('-t, --target <name>', 'only this target (repeatable)', collect)
    .option('--now <time>', 'judge expiries as of this ISO 8601 time instead of now')
    .exitOverride()
    .action(async (dir: string, opts: SyncFlags) => {
      const { driftCommand } = await import('./sync-command.js');
      exitCode = await driftCommand(dir, opts, io);
    });

  program
    .command('authorize')
    .description(
      'Ask the local Cedar store whether an agent may do something now: allow, deny, needs-approval, escalate, recommend-only or draft-only, with the deciding grant. Exit 0 allow, 1 any other decision, 2 error.',
    )
    .requiredOption('--agent <name>', 'the agent')
    .requiredOption('--system <name>', 'the system')
    .requiredOption('--resource <name>', 'the resource')
    .requiredOption('--action <name>', 'the action')
    .option(
      '--context <key=value>',
      'a fact of the request, e.g. amount=42.50 currency=EUR (repeatable)',
      collect,
    )
    .option('-C, --dir <dir>', 'the policy repository whose leash.yaml names the local store', '.')
    .option('--target <name>', 'the local target to ask, when leash.yaml declares several')
    .option('--at <time>', 'decide as of this ISO 8601 time instead of now')
    .addOption(syncFormat())
    .exitOverride()
    .action(async (opts: AuthorizeFlags) => {
      const { authorizeCommand } = await import('./authorize-command.js');
      exitCode = await authorizeCommand(opts, io);
    });

  program
    .command('kill')
    .description(
      "Pull all of an agent's access in every target at once (identity disabled, grants removed, read back), keep it revoked in every later sync until the repository agrees, record it, and commit status: revoked on a new branch. Needs only leash.yaml. Exit 0 revoked everywhere, 1 the agent was found nowhere, 2 a target failed or was unreachable.",
    )
    .argument('<agent>', 'the agent to kill')
    .requiredOption('--reason <text>', 'why (recorded in the ledger, the audit log and the commit)')
    .option('-C, --dir <dir>', 'the policy repository whose leash.yaml names the targets', '.')
    .option('--by <name>', 'who pulls the kill (default: GITHUB_ACTOR or the OS user)')
    .option(
      '--timeout <seconds>',
      "each target's deadline for the whole kill (default: its timeoutSeconds, else 30)",
    )
    .option('-t, --target <name>', 'only this target (repeatable)', collect)
    .option('--no-commit', 'do not change the repository (no branch, no edit)')
    .option('--edit', "edit the agent's file in the work tree instead of committing on a new branch")
    .addOption(syncFormat())
    .exitOverride()
    .action(async (agent: string, opts: KillFlags) => {
      const { killCommand } = await import('./kill-command.js');
      exitCode = await killCommand(agent, opts, io);
    });

  program
    .command('init')
    .description('Scaffold a new policy repository that validates cleanly.')
    .argument('[dir]', 'where to create it', '.')
    .option('--force', 'write even if the folder already holds a leash.yaml')
    .exitOverride()
    .action(async (dir: string, opts: { force?: boolean }) => {
      const { initCommand } = await import('./init-command.js');
      exitCode = initCommand(dir, opts, io);
    });

  const audit = program
    .command('audit')
    .description('The audit log: an append-only, hash-chained record of every sync, apply and kill.')
    .exitOverride();
  audit
    .command('verify')
    .description(
      'Check that no entry of the audit log was modified, removed or reordered. Exit 0 intact, 1 problems found, 2 unreadable.',
    )
    .option('-C, --dir <dir>', 'the policy repository whose leash.yaml says where the log is', '.')
    .option(
      '--file <path>',
      'the log to check (default: spec.audit.path of leash.yaml, or .leash/audit.jsonl)',
    )
    .option('--expect-head <hash>', 'the hash of an entry recorded elsewhere, which must be in the log')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .exitOverride()
    .action(async (opts: AuditVerifyFlags) => {
      const { auditVerifyCommand } = await import('./audit-command.js');
      exitCode = await auditVerifyCommand(opts, io);
    });

  program
    .command('rules')
    .description('List every lint rule and loader check with its default severity.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .exitOverride()
    .action(async (opts: { format: 'text' | 'json' }) => {
      const { rulesCommand } = await import('./rules-command.js');
      exitCode = rulesCommand(opts, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.fatal;
    }
    // By name, not class: in the built CLI every command but diff loads from its own chunk, with
    // its own copy of CliError (scripts/build-cli.mjs).
    if (error instanceof Error && error.name === 'CliError') {
      io.stderr(`leash: ${error.message}\n`);
      return (error as CliError).exitCode;
    }
    if (error instanceof Error && (error.name === 'PolicyReadError' || error.name === 'GitError')) {
      io.stderr(`leash: ${error.message}\n`);
      return EXIT.fatal;
    }
    io.stderr(
      `leash: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.fatal;
  }
}

export interface ValidateFlags {
  format: 'text' | 'json' | 'sarif' | 'github';
  output?: string;
  failOn: 'error' | 'warning' | 'info';
  now?: string;
  cache?: boolean;
  cacheLocation: string;
}

function processIo(): CliIo {
  // A reader that stops early (`leash rules | head`) closes the pipe: the rest of the output has
  // nowhere to go, which is no reason to die with a stack trace.
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    stdout: (t) => {
      if (!closed) process.stdout.write(t);
    },
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
  };
}
