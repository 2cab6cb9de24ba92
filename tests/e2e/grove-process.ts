import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for';

// npm scripts and vitest both run from the repository root (import.meta.url is not a file: URL under jsdom)
const repositoryRoot = process.cwd();

export interface GroveProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  /** everything the server printed, for a failure report */
  output(): string;
  /** SIGTERM by pid, SIGKILL after 10 s; removes the data folder */
  stop(): Promise<void>;
}

export interface StartOptions {
  adminKey: string;
  /** extra environment, e.g. GROVE_SEED=false */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Grove as a real child process on a free loopback port with a fresh embedded database, whatever
 * DATABASE_URL the surrounding run has: these tests need a registry nobody else writes to.
 */
export async function startGroveProcess({ adminKey, env = {}, timeoutMs = 60_000 }: StartOptions): Promise<GroveProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'grove-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, DATABASE_URL: '', HOST: '127.0.0.1', PORT: '0', GROVE_DATA_DIR: dataDir, GROVE_ADMIN_KEY: adminKey, GROVE_LOG_LEVEL: 'warn', GROVE_DEMO_TRAFFIC: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // a runner that dies (crash, Ctrl-C, CI timeout) must not leave the server behind
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await waitForListening(() => output, () => child.exitCode !== null, timeoutMs);
    await waitForReady(url, timeoutMs);
    return { url, pid: child.pid ?? -1, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`Grove did not start: ${(error as Error).message}\n--- server output ---\n${output}`);
  }
}

async function waitForListening(output: () => string, hasExited: () => boolean, timeoutMs: number): Promise<string> {
  let url = '';
  await waitFor(
    () => {
      if (hasExited()) throw new Error('the server exited');
      url = /listening on (http:\/\/[^\s]+)/.exec(output())?.[1]?.replace(/\/$/, '') ?? '';
      return url !== '';
    },
    { timeoutMs, everyMs: 100, what: 'a "listening on" line' },
  );
  return url;
}

function waitForReady(url: string, timeoutMs: number): Promise<void> {
  return waitFor(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok === true, { timeoutMs, everyMs: 100, what: `${url}/readyz to answer 200` });
}
