import { userInfo } from 'node:os';

/** Where a command writes and what it may look at; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colours). */
  isTty: boolean;
}

/** Raised by commands for usage and fatal problems: exit code 2 with a message. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Exit codes are a contract: 0 clean, 1 policy problems, 2 fatal or usage. */
export const EXIT = { ok: 0, problems: 1, fatal: 2 } as const;

/** Who runs the command, for records: GITHUB_ACTOR in Actions, else the OS user. */
export function whoRuns(io: Pick<CliIo, 'env'>): string {
  const actor = io.env.GITHUB_ACTOR?.trim();
  if (actor) return actor;
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // No passwd entry for the uid (some containers): fall back to the environment.
  }
  return io.env.USER || io.env.LOGNAME || 'unknown';
}

/** Parses --now; the clock is read here, at the edge, and nowhere in the core. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw new CliError(`--now: '${value}' is not an ISO 8601 date or time`);
  }
  return d;
}
