import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
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
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, embedded PGlite */
  url?: string;
  /** PGlite data folder; absent (with no url) means in-memory */
  dataDir?: string;
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
  const handle = options.url ? await openPostgres(options.url) : await openPglite(options.dataDir);
  await handle.migrate();
  const { migrate: _migrate, ...rest } = handle;
  return { ...rest, migrated: true };
}

async function openPostgres(url: string) {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10, backoff: reconnectDelaySeconds });
  const postgresDb = drizzle(client, { schema });
  const db = postgresDb as unknown as Database;
  const copier = await copyConnection(url);
  // LISTEN on a client of its own: postgres.js waits up to 20 s (growing with each failed attempt)
  // before it reconnects a dropped connection, and notices sent meanwhile are lost; the listener
  // retries every LISTEN_RETRY_SECONDS instead, so that it is back as soon as the database is.
  let listener: ReturnType<typeof postgres> | undefined;
  return {
    db,
    driver: 'postgres' as const,
    migrated: false,
    async migrate() {
      // Several instances may start at once on one database: serialise their migrations.
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(7342001)`;
        await migrate(postgresDb, { migrationsFolder });
      } finally {
        await lock`select pg_advisory_unlock(7342001)`.catch(() => {});
        lock.release();
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

async function openPglite(dataDir: string | undefined) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite' as const,
    migrated: false,
    async migrate() {
      await migrate(drizzle(client), { migrationsFolder });
    },
    ping: () => ping(db),
    async copyIn(table: string, columns: readonly string[], rows: string | Uint8Array<ArrayBuffer>) {
      await client.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob: new Blob([rows]) });
    },
    close: () => client.close(),
  };
}

/**
 * COPY on PostgreSQL goes through node-postgres and pg-copy-streams on one connection of its own,
 * opened on first use: postgres.js's COPY never settles when the database refuses the data (a
 * duplicate key, say), so a failed batch would hang its writer. A COPY that fails for any reason
 * but its data (the server closed an idle connection, restarted, the network dropped) is tried once
 * more on a new connection; COPY is all or nothing, so the first try left no rows behind.
 */
async function copyConnection(url: string) {
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
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'grove-request-log' });
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
      const stream = (await opened).query(from(statement));
      stream.end(rows);
      await finished(stream);
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
        if (closed || isDataError(error)) throw error;
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
