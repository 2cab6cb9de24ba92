import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../db/paths';
import { usableTemplate } from '../../db/pglite-template';
import { freshPostgresDatabase, testDrivers } from '../support/database';

/** Migration 0005 on a request log written before it: the rows' attempted models come from their attempts. */

const MIGRATIONS = projectPath('db', 'migrations');
const BEFORE = '0005_attempted_models_key_last_used';

/** The committed migrations up to, not including, 0005. */
function migrationsBefore(): string {
  const folder = mkdtempSync(join(tmpdir(), 'grove-migrations-'));
  mkdirSync(join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const index = journal.entries.findIndex((entry) => entry.tag === BEFORE);
  expect(index).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const entry of journal.entries) copyFileSync(join(MIGRATIONS, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  return folder;
}

const attempt = (modelId: string, outcome: 'ok' | 'error' | 'skipped') => ({ modelId, provider: 'simulated', startedAt: 1, latencyMs: 1, outcome });

/** id → served model and attempts, as 0004's request log held them; and the attempted models 0005 must find. */
const ROWS = [
  { id: 'served-alone', served: 'model-a', attempts: [attempt('model-a', 'ok')], expected: [] },
  { id: 'failed-over', served: 'model-b', attempts: [attempt('model-x', 'error'), attempt('model-b', 'ok')], expected: ['model-x'] },
  { id: 'skipped-then-failed', served: null, attempts: [attempt('model-x', 'skipped'), attempt('model-y', 'error')], expected: ['model-x', 'model-y'] },
  { id: 'retried', served: 'model-a', attempts: [attempt('model-a', 'error'), attempt('model-a', 'ok')], expected: [] },
  { id: 'refused-before-routing', served: null, attempts: [], expected: [] },
];

interface Migrated {
  execute(query: ReturnType<typeof sql>): Promise<Array<Record<string, unknown>>>;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

async function open(driver: 'pglite' | 'postgres'): Promise<Migrated> {
  if (driver === 'pglite') {
    const template = usableTemplate();
    const pg = await PGlite.create(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
    const db = drizzlePglite(pg);
    return {
      execute: async (query) => (await db.execute(query)).rows as Array<Record<string, unknown>>,
      migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
      close: () => pg.close(),
    };
  }
  const database = await freshPostgresDatabase();
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  const db = drizzlePostgres(client);
  return {
    execute: async (query) => [...(await db.execute(query))] as Array<Record<string, unknown>>,
    migrate: (folder) => migratePostgres(db, { migrationsFolder: folder }),
    async close() {
      await client.end();
      await database.drop();
    },
  };
}

describe.each(testDrivers)('migration 0005 on %s', (driver) => {
  let database: Migrated;
  let before: string;
  beforeAll(async () => {
    before = migrationsBefore();
    database = await open(driver);
  });
  afterAll(async () => {
    await database?.close();
    rmSync(before, { recursive: true, force: true });
  });

  it("fills attempted_models from the attempts of the rows logged before it, leaving out the served model", async () => {
    await database.migrate(before);
    for (const row of ROWS) {
      await database.execute(
        sql`insert into request_log (id, at, requested_model, served_model, outcome, status, latency_ms, attempts, decision) values (${row.id}, now(), 'auto', ${row.served}, 'ok', 200, 1, ${JSON.stringify(row.attempts)}, '{}')`,
      );
    }
    await database.migrate(MIGRATIONS);
    const rows = await database.execute(sql`select id, attempted_models from request_log`);
    const found = Object.fromEntries(rows.map((row) => [row.id as string, [...(row.attempted_models as string[])].sort()]));
    expect(found).toEqual(Object.fromEntries(ROWS.map((row) => [row.id, row.expected])));
  });
});
