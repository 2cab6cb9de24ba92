import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { extract } from 'tar';
import { flattenError, type QueryResult, type Reply, type Request, type Started, type WorkerStart } from './embedded-protocol';
import { usableTemplate } from './pglite-template';

/**
 * The embedded database's thread: PGlite (PostgreSQL compiled to WebAssembly) runs every statement
 * synchronously on the thread that calls it, so it lives here, away from the thread that serves
 * requests. It answers the messages of ./embedded-protocol.ts, one at a time in PGlite's own order.
 */
// Before PGlite compiles its 9 MB of WebAssembly: baseline code only. V8 otherwise recompiles the
// busiest functions with its optimising compiler in the background, whose working memory stayed in
// the allocator's arenas: ~60 MB more RSS at start (270 MB instead of 207 MB, measured with the
// server idle), for statements that are not what a request waits for. V8 flags are per process;
// nothing else in Grove runs WebAssembly.
setFlagsFromString('--liftoff-only');

// This thread runs a notch below the one that serves requests (nice 5, about a third of its
// weight when both want a core): no /v1 request waits for the database (request logs are
// written behind it), but a 10,000-model apply keeps this thread busy for seconds, and on two
// cores the serving thread then waited for a core behind it (docs/performance.md). Linux sets a
// thread's niceness by its thread id; elsewhere the thread keeps the process's.
if (process.platform === 'linux') {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 5);
  } catch {
    // not allowed (a sandbox without /proc): the same priority as the serving thread, as before
  }
}

const start = workerData as WorkerStart;
const port = parentPort!;

function options(): PGliteOptions {
  return { startParams: [...PGlite.defaultStartParams, ...start.settings], initDbStartParams: start.settings };
}

/** A new data folder: the template extracted (PG_VERSION comes last in it, so a half-extracted folder is extracted again), else initdb. */
async function createFolder(dataDir: string): Promise<void> {
  const template = usableTemplate();
  if (template) await extract({ file: template, cwd: dataDir });
  else await (await PGlite.create(dataDir, options())).close();
}

async function open(): Promise<PGlite> {
  const { dataDir } = start;
  if (dataDir) {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await createFolder(dataDir);
    const pg = await PGlite.create(dataDir, options());
    await migrate(drizzle(pg), { migrationsFolder: start.migrationsFolder });
    return pg;
  }
  const template = usableTemplate();
  const pg = await PGlite.create({ ...options(), ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}) });
  await migrate(drizzle(pg), { migrationsFolder: start.migrationsFolder });
  return pg;
}

/** The open transactions, by the number the server's thread gave each. */
const transactions = new Map<number, { transaction: Transaction; finish(commit: boolean): void; ended: Promise<void> }>();

/**
 * BEGIN through PGlite's own `transaction`, which holds its lock until COMMIT or ROLLBACK, so that
 * statements sent outside the transaction meanwhile wait for it, as on a single connection.
 */
function begin(id: number): Promise<void> {
  return new Promise((opened, failed) => {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    let began!: (transaction: Transaction) => void;
    const transaction = new Promise<Transaction>((resolve) => (began = resolve));
    const ended = pg.transaction(async (open) => {
      began(open);
      if (!(await decided)) await open.rollback();
    });
    ended.catch(failed);
    void transaction.then((open) => {
      transactions.set(id, { transaction: open, finish, ended });
      opened();
    });
  });
}

async function end(id: number, commit: boolean): Promise<void> {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  transactions.delete(id);
  open.finish(commit);
  await open.ended;
}

async function query(request: Extract<Request, { op: 'query' }>): Promise<QueryResult> {
  const target = request.transaction === undefined ? pg : transactions.get(request.transaction)?.transaction;
  if (!target) throw new Error(`no open transaction ${request.transaction}`);
  // these types' text goes back as it is: the caller's parsers (functions, which cannot cross threads) read it
  const parsers = Object.fromEntries(request.textTypes.map((type) => [type, (text: string) => text]));
  const { rows, fields, affectedRows } = await target.query(request.sql, request.params, { rowMode: request.rowMode, parsers });
  return { rows, fields, affectedRows };
}

/**
 * The batch as PGlite's /dev/blob reads it. PGlite asks the blob of a query for its bytes
 * (`arrayBuffer()`, @electric-sql/pglite 0.5: nothing else) and reads /dev/blob from them; a real
 * Blob would copy a batch twice more (into the Blob, then out of it), each copy garbage until the
 * worker's next collection. The batch usually arrives as a buffer of its own (moved, not copied,
 * by ./embedded.ts); a view into a larger one is cut out. tests/db/embedded.test.ts writes batches
 * both ways.
 */
function asBlob(rows: string | Uint8Array<ArrayBuffer>): Blob {
  if (typeof rows === 'string') return new Blob([rows]);
  const bytes = rows.byteOffset === 0 && rows.byteLength === rows.buffer.byteLength ? rows.buffer : rows.slice().buffer;
  const blob: Pick<Blob, 'arrayBuffer'> = { arrayBuffer: () => Promise.resolve(bytes) };
  return blob as Blob;
}

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'query':
      return query(request);
    case 'begin':
      return begin(request.transaction);
    case 'commit':
    case 'rollback':
      return end(request.transaction, request.op === 'commit');
    case 'copy':
      await pg.query(request.statement, [], { blob: asBlob(request.rows) });
      return null;
    case 'close':
      await pg.close();
      return null;
  }
}

let pg: PGlite;
try {
  if (start.job === 'create') await createFolder(start.dataDir!);
  else pg = await open();
  port.postMessage({ started: true } satisfies Started);
  if (start.job === 'serve') port.on('message', serve);
} catch (error) {
  // nothing listens after this: the thread ends, and the server reports the error
  port.postMessage({ started: false, error: flattenError(error) } satisfies Started);
}

function serve(request: Request): void {
  answer(request).then(
    (result) => port.postMessage({ id: request.id, result } satisfies Reply),
    (error: unknown) => port.postMessage({ id: request.id, error: flattenError(error) } satisfies Reply),
  );
}
