import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { freshPostgresDatabase, testDrivers } from '../support/database';

/**
 * A PostgreSQL backend that dies inside a transaction: what `idle_in_transaction_session_timeout`
 * does to a transaction whose caller gave up on a hung database (db/deadline.ts), and what a
 * restart or an operator's pg_terminate_backend does. postgres.js 3.4.9 then flushed begin()'s own
 * ROLLBACK to the closed socket from a setImmediate, which threw past every caller and ended the
 * process; the connection it left kept the dead backend's error and failed the next query sent on
 * it (patches/postgres+3.4.9.patch). Vitest fails a run on any uncaught error, so the crash fails
 * these tests too.
 */
describe.runIf(testDrivers.includes('postgres'))('a backend terminated inside a transaction', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  /** straight to the database, to end the others' sessions */
  let killer: import('postgres').Sql;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const { default: postgres } = await import('postgres');
    killer = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await killer?.end();
    await database?.drop();
  });

  /** Starts a transaction that waits in the database, ends its backend, and returns how it ended. */
  async function terminateMidTransaction(begin: (work: (run: (statement: string) => Promise<unknown>) => Promise<void>) => Promise<unknown>) {
    let pid: number | null = null;
    const transaction = begin(async (run) => {
      pid = Number(((await run('select pg_backend_pid() as pid')) as Array<{ pid: number }>)[0]!.pid);
      await run('select pg_sleep(5)');
    }).then(
      () => 'committed',
      (error: { code?: string }) => error.code ?? String(error),
    );
    await expect.poll(() => pid, { timeout: 5_000 }).not.toBeNull();
    await killer`select pg_terminate_backend(${pid})`;
    return transaction;
  }

  it('on the one connection of a pool: the transaction fails, the next query is answered, nothing is thrown past them', async () => {
    const { default: postgres } = await import('postgres');
    const client = postgres(database.url, { max: 1, onnotice: () => {}, fetch_types: false });
    try {
      for (let round = 0; round < 3; round += 1) {
        expect(await terminateMidTransaction((work) => client.begin((transaction) => work((statement) => transaction.unsafe(statement))))).toBe('CONNECTION_CLOSED');
        // the same connection, on a new socket: before the patch this failed with the dead
        // backend's 57P01, or never connected at all
        expect(await client`select 1 as one`).toEqual([{ one: 1 }]);
      }
    } finally {
      await client.end({ timeout: 1 });
    }
  });

  it("through Grove's database handle: the transaction fails as a lost connection and the database serves on", async () => {
    const handle = await openDatabase({ url: database.url });
    try {
      for (let round = 0; round < 3; round += 1) {
        const outcome = await terminateMidTransaction((work) => handle.db.transaction((transaction) => work((statement) => transaction.execute(sql.raw(statement)))));
        expect(outcome).not.toBe('committed');
        const answers = await Promise.all(Array.from({ length: 12 }, () => handle.db.execute(sql`select 1 as one`)));
        expect(answers.map((rows) => [...(rows as Iterable<unknown>)])).toEqual(Array.from({ length: 12 }, () => [{ one: 1 }]));
      }
    } finally {
      await handle.close();
    }
  });
});
