import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * moto_server (the AWS API mock from the moto project, a real HTTP server speaking AWS's wire
 * protocols) on 127.0.0.1 and a random free port, for the aws-iam target's tests and the
 * benchmark. Plain TypeScript, no test-framework imports. Stopped by PID: the process runs in
 * its own process group, because the pyenv shim that `moto_server` usually is starts python
 * under it, and killing only the shim's PID could leave the server running.
 */
export interface MotoServer {
  /** The base URL, e.g. http://127.0.0.1:41234; IAM answers at the root. */
  endpoint: string;
  /** The account moto pretends to be. */
  accountId: string;
  /** How long the server took from spawn to answering HTTP, in milliseconds. */
  startupMs: number;
  /** Forgets every resource (moto's own reset endpoint), for a clean slate between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** The moto_server executable; $MOTO_SERVER or `moto_server` on PATH by default. */
  command?: string;
  /** How long to wait for the server to answer; 20 s by default. */
  timeoutMs?: number;
}

/** moto's fixed account id (it can be changed with MOTO_ACCOUNT_ID; we pin it). */
export const MOTO_ACCOUNT_ID = '123456789012';

/** Starts moto_server; retries on a port lost to another process between probe and bind. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortInUseError)) throw error;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

async function startOnce(options: StartMotoOptions): Promise<MotoServer> {
  const command = options.command ?? process.env.MOTO_SERVER ?? 'moto_server';
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ACCOUNT_ID, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ENOENT'
          ? `${command} was not found on PATH; install moto's server with \`pip install "moto[server]"\` (or set MOTO_SERVER to its path)`
          : `${command} could not be started: ${error.message}`,
      ),
    );
    child.once('exit', (code, signal) =>
      resolve(`${command} exited (${signal ?? `code ${code}`}) before answering:\n${output.trim()}`),
    );
  });

  const deadline = started + (options.timeoutMs ?? 20_000);
  let failure: string | undefined;
  void exited.then((message) => (failure = message));
  while (failure === undefined) {
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      await killGroup(child);
      throw new Error(
        `${command} did not answer on ${endpoint} within ${options.timeoutMs ?? 20_000} ms:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (failure !== undefined) {
    await killGroup(child);
    if (/address already in use/i.test(failure)) throw new PortInUseError(failure);
    throw new Error(failure);
  }
  const startupMs = Date.now() - started;
  // The request log would otherwise fill the pipe and stall the server.
  child.stdout?.resume();
  child.stderr?.resume();

  return {
    endpoint,
    accountId: MOTO_ACCOUNT_ID,
    startupMs,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () => killGroup(child),
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** SIGTERM to the whole process group, SIGKILL if it is still there after 3 s. */
async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}
