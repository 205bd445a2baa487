import { Command, CommanderError, Option } from 'commander';
import type { CliIo } from './io.js';
import { CliError, EXIT } from './io.js';
import { leashVersion } from './version.js';
import type { ApprovalsFlags } from './approvals-command.js';
import type { DiffFlags } from './diff-command.js';
import type { InventoryFlags } from './inventory-command.js';

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
    if (error instanceof CliError) {
      io.stderr(`leash: ${error.message}\n`);
      return error.exitCode;
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
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
  };
}
