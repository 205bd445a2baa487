import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real git repository in a temporary folder, driven through git's own CLI with argument
 * vectors. Tests use it for commits, branches, merges and reverts.
 */
export class GitRepo {
  readonly dir: string;

  constructor(files: Record<string, string> = {}, options: { subdir?: string } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'leash-git-'));
    this.git('-c', 'init.defaultBranch=main', 'init', '-q');
    this.git('config', 'user.name', 'Test');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'commit.gpgsign', 'false');
    this.subdir = options.subdir ?? '';
    if (Object.keys(files).length > 0) this.write(files).commit('initial');
  }

  private readonly subdir: string;

  /** The policy repository's folder (the repository itself, or a subfolder of it). */
  get policyDir(): string {
    return this.subdir ? join(this.dir, this.subdir) : this.dir;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  /** Writes (string) or deletes (null) files under the policy folder. */
  write(files: Record<string, string | null>): this {
    for (const [path, text] of Object.entries(files)) {
      const abs = join(this.policyDir, path);
      if (text === null) unlinkSync(abs);
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, text);
      }
    }
    return this;
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  branch(name: string): this {
    this.git('checkout', '-q', '-b', name);
    return this;
  }

  checkout(name: string): this {
    this.git('checkout', '-q', name);
    return this;
  }

  /** A merge commit (never fast-forward), as GitHub's merge button makes. */
  merge(branch: string, message = `Merge ${branch}`): string {
    this.git('merge', '-q', '--no-ff', '-m', message, branch);
    return this.head();
  }

  /** Reverts a commit; for a merge commit, relative to its first parent. */
  revert(commit: string): string {
    const parents = this.git('rev-list', '--parents', '-n', '1', commit).split(' ').length - 1;
    this.git('revert', '--no-edit', ...(parents > 1 ? ['-m', '1'] : []), commit);
    return this.head();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
