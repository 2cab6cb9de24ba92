import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { extract } from 'tar';
import { DatabaseUnavailableError } from './deadline';
import { restoreError, type Call, type QueryResult, type Reply, type Request, type Started, type WorkerStart } from './embedded-protocol';
import { projectPath } from './paths';
import { settingParams } from './pglite-settings';
import { usableTemplate } from './pglite-template';
import { makePrivateFolder, makeTreePrivate } from './private-folder';

/** What drizzle's PGlite driver passes with a query: the row shape, and parsers for some column types. */
interface QueryOptions {
  rowMode?: 'array' | 'object';
  parsers?: Record<number, (text: string, typeId: number) => unknown>;
}

/** The part of PGlite's interface that drizzle's PGlite driver uses (`query`, and `transaction` handing it a `query`). */
export interface EmbeddedClient {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult>;
  transaction<T>(work: (transaction: Pick<EmbeddedClient, 'query'>) => Promise<T>): Promise<T>;
}

export interface EmbeddedDatabase {
  client: EmbeddedClient;
  /**
   * COPY … FROM a blob of COPY text, in the worker. Bytes that are the whole of their ArrayBuffer
   * are moved there, not copied: the caller's buffer is empty (detached) once this is called.
   */
  copy(statement: string, rows: string | Uint8Array<ArrayBuffer>): Promise<void>;
  /** Called once if the worker dies (it threw, ran out of memory, was terminated): every call fails from then on. */
  onFailure(listener: (error: Error) => void): void;
  /** the thread PostgreSQL runs on */
  thread: Worker;
  close(): Promise<void>;
}

/**
 * The worker: ./embedded-worker.mjs beside this module. From the sources that is a bootstrap that
 * compiles ./embedded-worker.ts; in the bundle, the worker compiled beside dist/server/main.mjs.
 */
const WORKER_URL = new URL('./embedded-worker.mjs', import.meta.url);

/**
 * The database's thread runs little JavaScript: a message in, a statement, a message out. With the
 * server's young generation (semi-spaces of 6 MB) its heap was 32-34 MB under load and its
 * scavenges so rare that the buffers of dead messages piled up in the allocator between them; with
 * 3 MB (semi-spaces of 1 MB) its heap stays at 17-20 MB and the process's peak RSS under the
 * benchmark's load fell by ~20 MB (255-263 MB -> 233-243 MB, 2026-12-07), for the same throughput.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 3 };

/**
 * Opens the embedded database (PGlite) on a worker thread of its own, its migrations applied. A new
 * data folder is the template (./pglite-template.ts), extracted by a short-lived process before the
 * worker starts; when the template does not fit the installed PGlite, it is made by initdb in a
 * worker that then exits, so that the memory of making it is given back before serving starts.
 */
export async function openEmbedded(dataDir: string | undefined): Promise<EmbeddedDatabase> {
  const migrationsFolder = projectPath('db', 'migrations');
  const settings = settingParams();
  if (dataDir) makePrivateFolder(dataDir);
  // The semi-space size given on the command line (package.json `start`: 6 MB, for the server's
  // thread) overrides every later isolate's resource limits: the workers' own young generation
  // (WORKER_LIMITS) applies only without it. The server's thread sized its heap when it started,
  // so this changes nothing for it; V8 reads the flag only as an isolate is created.
  setFlagsFromString('--max-semi-space-size=0');
  if (dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) {
    const template = usableTemplate();
    if (template) {
      extractTemplate(template, dataDir);
    } else {
      const creator = new Worker(WORKER_URL, { workerData: { job: 'create', dataDir, migrationsFolder, settings } satisfies WorkerStart, resourceLimits: WORKER_LIMITS });
      const exited = new Promise((resolve) => creator.once('exit', resolve));
      await started(creator);
      await exited;
    }
  }
  const thread = new Worker(WORKER_URL, { workerData: { job: 'serve', dataDir, migrationsFolder, settings } satisfies WorkerStart, resourceLimits: WORKER_LIMITS });
  await started(thread);
  // The template's files, and some that PostgreSQL writes under the process umask, are readable by
  // others: the folder holds API key hashes and encrypted secrets (./private-folder.ts).
  if (dataDir) makeTreePrivate(dataDir);
  return connect(thread);
}

/** A short-lived Node process's script: extract the template (argv: file, folder, node-tar's entry). */
const EXTRACT = 'const [file, cwd, tar] = process.argv.slice(1); require(tar).extract({ file, cwd, sync: true, maxReadSize: 256 * 1024 });';

/**
 * Extracts the template into a new data folder in a Node process of its own, which exits: the 38 MB
 * of files pass through zlib in 16 KB buffers that only a garbage collection frees, and this
 * thread's young generation (semi-spaces of 6 MB) let ~27 MB of them pile up, which the allocator
 * then kept. Measured 2026-12-07, embedded Groves on fresh folders side by side under the
 * benchmark's loads, peak RSS during the first start / under the load: extracting in a worker
 * that then exited (as before) 204-216 / 232-241 MB; in the serving worker 207-210 / 236-239; on
 * this thread 209-229 / 224-233; in a process of its own 201-204 / 227. Nothing is served yet: the
 * server waits for it (~0.5 s on the loaded 2-core machine). PG_VERSION is the template's last
 * entry, so a half-extracted folder is extracted again. Should no process start, it runs here.
 */
function extractTemplate(template: string, dataDir: string): void {
  const tar = createRequire(import.meta.url).resolve('tar');
  // NODE_OPTIONS stays with the server (an --inspect there would take the same port)
  const { NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawnSync(process.execPath, ['-e', EXTRACT, template, dataDir, tar], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (child.error) extract({ file: template, cwd: dataDir, maxReadSize: 256 * 1024, sync: true });
  else if (child.status !== 0) throw new Error(`extracting the embedded database's template failed: ${child.stderr.trim() || `exit ${child.status ?? child.signal}`}`);
}

/** Resolves when the worker says its job is done or it is ready; rejects with its error, or if it dies first. */
function started(thread: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database's thread exited with code ${code} while starting`));
    thread.once('error', reject);
    thread.once('exit', onExit);
    thread.once('message', (message: Started) => {
      thread.off('error', reject);
      thread.off('exit', onExit);
      if (message.started) resolve();
      else {
        void thread.terminate();
        reject(restoreError(message.error));
      }
    });
  });
}

function connect(thread: Worker): EmbeddedDatabase {
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  const listeners: Array<(error: Error) => void> = [];
  let nextId = 1;
  let nextTransaction = 1;
  let closing = false;
  /** set once the worker is gone: every call fails with it */
  let gone: Error | null = null;

  // An idle worker does not keep the process alive (as PGlite on the main thread did not); one
  // that owes an answer does, so that a caller awaiting it is never cut short.
  thread.unref();
  const settle = (id: number) => {
    const call = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) thread.unref();
    return call;
  };
  thread.on('message', (reply: Reply) => {
    const call = settle(reply.id);
    if ('error' in reply) call?.reject(restoreError(reply.error));
    else call?.resolve(reply.result);
  });
  const fail = (error: Error) => {
    if (gone) return;
    gone = error;
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
    if (!closing) for (const listener of listeners) listener(error);
  };
  thread.on('error', (error) => fail(new DatabaseUnavailableError('unreachable', `the embedded database stopped: ${error.message}`, { cause: error })));
  thread.on('exit', (code) => fail(closing ? new DatabaseUnavailableError('unreachable', 'the embedded database is closed') : new DatabaseUnavailableError('unreachable', `the embedded database stopped: its thread exited with code ${code}`)));

  const call = <T>(request: Call, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (gone) return Promise.reject(gone);
    if (closing && request.op !== 'close') return Promise.reject(new DatabaseUnavailableError('unreachable', 'the embedded database is closed'));
    const id = nextId++;
    if (pending.size === 0) thread.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      thread.postMessage({ ...request, id } satisfies Request, transfer);
    });
  };

  const query = async (sql: string, params: unknown[] = [], options: QueryOptions = {}, transaction?: number): Promise<QueryResult> => {
    const rowMode = options.rowMode ?? 'object';
    const parsers = options.parsers ?? {};
    const result = await call<QueryResult>({ op: 'query', sql, params, rowMode, textTypes: Object.keys(parsers).map(Number), transaction });
    applyParsers(result, rowMode, parsers);
    return result;
  };

  const client: EmbeddedClient = {
    query: (sql, params, options) => query(sql, params, options),
    async transaction(work) {
      const transaction = nextTransaction++;
      await call({ op: 'begin', transaction });
      let result;
      try {
        result = await work({ query: (sql, params, options) => query(sql, params, options, transaction) });
      } catch (error) {
        await call({ op: 'rollback', transaction }).catch(() => {});
        throw error;
      }
      await call({ op: 'commit', transaction });
      return result;
    },
  };

  return {
    client,
    thread,
    copy: (statement, rows) => call({ op: 'copy', statement, rows }, ownBuffer(rows)),
    onFailure: (listener) => void listeners.push(listener),
    async close() {
      if (closing || gone) return;
      closing = true;
      await call({ op: 'close' }).catch(() => {});
      await thread.terminate();
    },
  };
}

/**
 * The buffer of a batch that is the whole of its own ArrayBuffer (what Buffer.concat makes of
 * anything past 4 KB): moved to the worker rather than copied into the message, so that neither
 * thread keeps a dead copy until its next garbage collection. A view into a shared buffer (Node's
 * pool of small buffers) is copied as before: moving it would take the pool away from everyone.
 */
function ownBuffer(rows: string | Uint8Array<ArrayBuffer>): ArrayBuffer[] {
  return typeof rows !== 'string' && rows.byteOffset === 0 && rows.byteLength === rows.buffer.byteLength ? [rows.buffer] : [];
}

/** The worker sent the text of the columns whose types have parsers here: they run on this side. */
function applyParsers(result: QueryResult, rowMode: 'array' | 'object', parsers: NonNullable<QueryOptions['parsers']>): void {
  const columns = result.fields.flatMap((field, index) => {
    const parser = parsers[field.dataTypeID];
    return parser ? [{ key: rowMode === 'array' ? index : field.name, parser, typeId: field.dataTypeID }] : [];
  });
  if (columns.length === 0) return;
  for (const row of result.rows as Array<Record<string | number, unknown>>) {
    for (const { key, parser, typeId } of columns) {
      const text = row[key];
      if (typeof text === 'string') row[key] = parser(text, typeId);
    }
  }
}
