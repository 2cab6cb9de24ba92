import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster of the test's own, for what a shared server cannot do: stop and
 * start it (a restart), or freeze it (a hung database). Built with Debian's binaries into a temporary
 * folder, on a free loopback port, trust auth; as root, the server runs as the `postgres` user
 * (PostgreSQL refuses to run as root).
 */
export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  start(): Promise<void>;
  /** a fast shutdown: open connections are closed */
  stop(): Promise<void>;
  /** SIGSTOP to the postmaster and its children: connections stay open, nothing answers */
  pause(): void;
  resume(): void;
  /** stops the server (if running) and removes its folder */
  destroy(): Promise<void>;
}

/** The folder of Debian's newest PostgreSQL binaries, if they are installed. */
export const postgresBinaries: string | undefined = findBinaries();

function findBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function createPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinaries;
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'grove-pg-'));
  const dataDir = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  if (asRoot) chownSync(folder, ...postgresUser());
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`);
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  // fsync off: a test cluster needs no durability, and the machine's disk is shared
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const started = { value: false };

  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']);
      started.value = true;
    },
    async stop() {
      run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
      started.value = false;
    },
    pause: () => signalAll(dataDir, 'SIGSTOP'),
    resume: () => signalAll(dataDir, 'SIGCONT'),
    async destroy() {
      if (started.value) {
        signalAll(dataDir, 'SIGCONT');
        await cluster.stop().catch(() => {});
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

function postgresUser(): [number, number] {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return [id('-u'), id('-g')];
}

/** The postmaster (first line of postmaster.pid) and every process it started. */
function signalAll(dataDir: string, signal: NodeJS.Signals): void {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
  // the children first, so that the postmaster never sees a child stop while it still runs
  for (const pid of [...children, postmaster]) {
    try {
      process.kill(pid, signal);
    } catch {
      // a child that ended meanwhile
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
