import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { PGlite } from '@electric-sql/pglite';
import type { Worker } from 'node:worker_threads';
import { DatabaseUnavailableError, guardTransactions, withDeadline } from './deadline';
import { projectPath } from './paths';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** true once every committed migration has been applied */
  migrated: boolean;
  ping(): Promise<boolean>;
  /**
   * Bulk-loads rows given in COPY's text format (tab-separated fields, `\\N` for null, one row per
   * line) into some columns of a table, in one statement: about half the database's work per row
   * of an INSERT. All or nothing: a bad row fails the whole call with the database's error.
   * The rows are handed over: on the embedded database, bytes that fill their own ArrayBuffer are
   * moved to its thread (the caller's buffer is detached), so a caller that wants them again keeps
   * its own copy.
   */
  copyIn(table: string, columns: readonly string[], rows: string | Uint8Array<ArrayBuffer>): Promise<void>;
  close(): Promise<void>;
  /**
   * PostgreSQL only: LISTEN on a channel (other instances' registry changes). `onListen` is called
   * each time the LISTEN is in place: once at first, then after every reconnection of its connection
   * (notices sent while it was down are lost: the caller catches up then).
   */
  listen?(channel: string, onMessage: (payload: string) => void, onListen?: () => void): Promise<void>;
  notify?(channel: string, payload: string): Promise<void>;
  /**
   * PGlite only: called once if the embedded database's thread dies; every query fails from then on.
   * (PostgreSQL's connections come back by themselves after an outage.)
   */
  onFailure?(listener: (error: Error) => void): void;
  /** PGlite only: the worker thread the embedded database runs on */
  thread?: Worker;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, embedded PGlite */
  url?: string;
  /** PGlite data folder; absent (with no url) means in memory */
  dataDir?: string;
  /** how long a write (a transaction, a COPY) may wait on the database before it fails; default 5,000 */
  timeoutMs?: number;
}

/**
 * The server-side limits that make a client-side timeout safe on PostgreSQL: no statement runs on
 * after its caller gave up, and a session idle inside a transaction (its client gone quiet, or its
 * COMMIT held up on the network) is ended, so it rolls back. The idle limit is half the caller's
 * timeout; a COMMIT that went out may land only within it (see ./deadline.ts withDeadline).
 */
function serverLimits(timeoutMs: number) {
  const idleInTransactionMs = Math.max(1, Math.ceil(timeoutMs / 2));
  return {
    statement_timeout: timeoutMs,
    idle_in_transaction_session_timeout: idleInTransactionMs,
    // timers fire a little late on a busy server
    commitGraceMs: idleInTransactionMs + 250,
  };
}

const migrationsFolder = projectPath('db', 'migrations');
const LISTEN_RETRY_SECONDS = 0.25;

/**
 * postgres.js's own backoff with a ceiling of 1 s instead of 20 s: after an outage of a minute, its
 * pool would otherwise wait up to 20 s after the database's return before it tried again (a peer's
 * reload after a reconnection, and every request, would wait with it).
 */
function reconnectDelaySeconds(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1);
}

/** Opens the database and applies the committed migrations. One code path above the driver. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const handle = options.url ? await openPostgres(options.url, timeoutMs) : await openPglite(options.dataDir);
  await handle.migrate();
  guardTransactions(handle.db, { timeoutMs, commitGraceMs: options.url ? serverLimits(timeoutMs).commitGraceMs : 0 });
  const { migrate: _migrate, ...rest } = handle;
  return { ...rest, migrated: true };
}

async function openPostgres(url: string, timeoutMs: number) {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const { commitGraceMs, ...limits } = serverLimits(timeoutMs);
  // fetch_types off: postgres.js reads the array types on every new connection and drops that
  // query's promise, so a connection cut while it starts (a database outage) is an unhandled
  // rejection, which ends the process (porsager/postgres#1192). Drizzle reads and writes arrays as
  // PostgreSQL array text without them.
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10, connection: limits, backoff: reconnectDelaySeconds, fetch_types: false });
  const db = drizzle(client, { schema }) as unknown as Database;
  const copier = await copyConnection(url, { ...limits, timeoutMs, commitGraceMs });
  // LISTEN on a client of its own: postgres.js waits up to 20 s (growing with each failed attempt)
  // before it reconnects a dropped connection, and notices sent meanwhile are lost; the listener
  // retries every LISTEN_RETRY_SECONDS instead, so that it is back as soon as the database is.
  let listener: ReturnType<typeof postgres> | undefined;
  return {
    db,
    driver: 'postgres' as const,
    migrated: false,
    async migrate() {
      // Migrations may outlast the statement timeout (and wait for another instance's), so they
      // run on connections of their own without it. Several instances may start at once on one
      // database: their migrations are serialised.
      const migrator = postgres(url, { max: 2, onnotice: () => {}, connect_timeout: 10 });
      const lock = await migrator.reserve();
      try {
        await lock`select pg_advisory_lock(7342001)`;
        await migrate(drizzle(migrator, { schema }), { migrationsFolder });
      } finally {
        await lock`select pg_advisory_unlock(7342001)`.catch(() => {});
        lock.release();
        await migrator.end({ timeout: 5 });
      }
    },
    ping: () => ping(db),
    copyIn: copier.copyIn,
    async close() {
      await Promise.all([client.end({ timeout: 5 }), copier.close(), listener?.end({ timeout: 5 })]);
    },
    async listen(channel: string, onMessage: (payload: string) => void, onListen?: () => void) {
      listener ??= postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, backoff: () => LISTEN_RETRY_SECONDS });
      await listener.listen(channel, onMessage, onListen);
    },
    async notify(channel: string, payload: string) {
      await client.notify(channel, payload);
    },
  };
}

/**
 * PGlite runs each statement synchronously on the thread that calls it, so it runs on a worker
 * thread of its own (./embedded.ts); drizzle's PGlite driver talks to it through a stand-in with
 * PGlite's `query` and `transaction`. Migrations run in the worker as it opens.
 */
async function openPglite(dataDir: string | undefined) {
  const [{ drizzle }, { openEmbedded }] = await Promise.all([import('drizzle-orm/pglite'), import('./embedded')]);
  const embedded = await openEmbedded(dataDir);
  const db = drizzle(embedded.client as unknown as PGlite, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite' as const,
    migrated: false,
    async migrate() {
      // the worker applied them as it opened
    },
    ping: () => ping(db),
    async copyIn(table: string, columns: readonly string[], rows: string | Uint8Array<ArrayBuffer>) {
      await embedded.copy(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, rows);
    },
    onFailure: embedded.onFailure,
    thread: embedded.thread,
    close: () => embedded.close(),
  };
}

/**
 * COPY on PostgreSQL goes through node-postgres and pg-copy-streams on one connection of its own,
 * opened on first use: postgres.js's COPY never settles when the database refuses the data (a
 * duplicate key, say), so a failed batch would hang its writer. A COPY that fails for any reason
 * but its data (the server closed an idle connection, restarted, the network dropped) is tried once
 * more on a new connection; COPY is all or nothing, so the first try left no rows behind. A COPY
 * that does not finish within the timeout fails with DatabaseUnavailableError and its connection is
 * dropped; it runs inside BEGIN … COMMIT, and COMMIT is sent only while its caller still waits, so
 * rows the caller was told were not written never land later (their caller will write them again).
 */
async function copyConnection(url: string, limits: { statement_timeout: number; idle_in_transaction_session_timeout: number; timeoutMs: number; commitGraceMs: number }) {
  const [{ default: pg }, { from }] = await Promise.all([import('pg'), import('pg-copy-streams')]);
  const { finished } = await import('node:stream/promises');
  type Client = InstanceType<typeof pg.Client>;
  let connection: Promise<Client> | null = null;
  let closed = false;
  const discard = (opened: Promise<Client>) => {
    if (connection === opened) connection = null;
    opened.then((client) => client.end()).catch(() => {});
  };
  const connect = () => {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      application_name: 'grove-request-log',
      statement_timeout: limits.statement_timeout,
      idle_in_transaction_session_timeout: limits.idle_in_transaction_session_timeout,
    });
    const opened = client.connect().then(() => client);
    // a connection that breaks while idle is replaced on the next call
    client.on('error', () => discard(opened));
    client.on('end', () => discard(opened));
    opened.catch(() => discard(opened));
    return opened;
  };
  const copyOnce = async (statement: string, rows: string | Uint8Array<ArrayBuffer>) => {
    if (closed) throw new Error('the database connection is closed');
    const opened = (connection ??= connect());
    try {
      await withDeadline({ timeoutMs: limits.timeoutMs, commitGraceMs: limits.commitGraceMs, what: 'a request log batch' }, async (deadline) => {
        const client = await opened;
        await client.query('begin');
        try {
          const stream = client.query(from(statement));
          stream.end(rows);
          await finished(stream);
          deadline.beforeCommit();
        } catch (error) {
          // a refused batch leaves the connection in a failed transaction: end it, keep the connection
          if (isDataError(error)) await client.query('rollback');
          throw error;
        }
        await client.query('commit');
      });
    } catch (error) {
      if (!isDataError(error)) discard(opened);
      throw error;
    }
  };
  return {
    async copyIn(table: string, columns: readonly string[], rows: string | Uint8Array<ArrayBuffer>) {
      const statement = `copy ${table} (${columns.join(', ')}) from stdin`;
      try {
        await copyOnce(statement, rows);
      } catch (error) {
        // a database that hung once is not asked again at once: the caller retries later
        if (closed || isDataError(error) || error instanceof DatabaseUnavailableError) throw error;
        await copyOnce(statement, rows);
      }
    },
    async close() {
      closed = true;
      const client = await connection?.catch(() => null);
      await client?.end().catch(() => {});
    },
  };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the rows are at fault, not the connection. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

async function ping(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
