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
  close(): Promise<void>;
  /** PostgreSQL only: LISTEN on a channel (other instances' registry changes). */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<void>;
  notify?(channel: string, payload: string): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, embedded PGlite */
  url?: string;
  /** PGlite data folder; absent (with no url) means in-memory */
  dataDir?: string;
}

const migrationsFolder = projectPath('db', 'migrations');

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
  const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
  const postgresDb = drizzle(client, { schema });
  const db = postgresDb as unknown as Database;
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
    close: () => client.end({ timeout: 5 }),
    async listen(channel: string, onMessage: (payload: string) => void) {
      await client.listen(channel, onMessage);
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
    close: () => client.close(),
  };
}

async function ping(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
