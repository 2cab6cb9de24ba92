import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { DatabaseUnavailableError } from '../../db/deadline';
import { isDatabaseError } from '../../db/errors';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { waitFor } from '../support/wait-for';

/**
 * A transaction's deadline counts from the database's last answer, and a transaction whose
 * connection is lost midway fails with a database error: it never crashes the process.
 */
const TIMEOUT_MS = 1_000;

describe.each(testDrivers)('transaction deadlines on %s', (driver) => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = driver === 'postgres' ? await freshPostgresDatabase() : undefined;
    handle = await openDatabase({ url: database?.url, timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('lets a transaction run past the timeout while each statement answers within it', { timeout: 30_000 }, async () => {
    // six statements of 0.3 s each: 1.8 s in all, well within 1 s of the answer before each
    const answered = await handle.db.transaction(async (transaction) => {
      let count = 0;
      for (let index = 0; index < 6; index++) {
        await transaction.execute(sql`select pg_sleep(0.3)`);
        count++;
        // a turn of the event loop between statements, as an apply gives between its batches
        await new Promise((resolve) => setImmediate(resolve));
      }
      return count;
    });
    expect(answered).toBe(6);
  });

  // PGlite answers on this thread: a statement holds up the timers until it has answered
  it.runIf(driver === 'postgres')('still fails a transaction whose one statement gets no answer within the timeout', { timeout: 30_000 }, async () => {
    const started = performance.now();
    const failure = await handle.db.transaction(async (transaction) => transaction.execute(sql`select pg_sleep(2.5)`)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  // the server's statement_timeout is the same limit as the deadline, and under load it answers first
  it.runIf(driver === 'postgres')('fails with the same timeout when the server cancels the statement first', { timeout: 30_000 }, async () => {
    const failure = await handle.db
      .transaction(async (transaction) => {
        await transaction.execute(sql`set local statement_timeout = 100`);
        return transaction.execute(sql`select pg_sleep(0.5)`);
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect((failure as DatabaseUnavailableError).reason).toBe('timeout');
  });
});

describe.runIf(testDrivers.includes('postgres'))('a transaction whose session the server ends, on postgres', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let handle: DatabaseHandle;
  let direct: import('postgres').Sql;
  /** what reached process 'uncaughtException' while a test ran: postgres.js threw from a timer before */
  const uncaught: unknown[] = [];
  const record = (error: unknown) => void uncaught.push(error);
  beforeAll(async () => {
    database = await freshPostgresDatabase();
    handle = await openDatabase({ url: database.url, timeoutMs: TIMEOUT_MS });
    const { default: postgres } = await import('postgres');
    direct = postgres(database.url, { max: 1, onnotice: () => {} });
    process.on('uncaughtException', record);
  });
  afterEach(() => {
    uncaught.length = 0;
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    await handle?.close();
    await direct?.end();
    await database?.drop();
  });

  const backendPid = async (transaction: Parameters<Parameters<DatabaseHandle['db']['transaction']>[0]>[0]) =>
    Number(((await transaction.execute(sql`select pg_backend_pid() as pid`)) as unknown as Array<{ pid: number }>)[0]!.pid);
  const terminate = (pid: number) => direct`select pg_terminate_backend(${pid})`;
  /** the pool answers again, and the timers postgres.js armed on the dead connection have fired */
  const settled = async () => {
    expect(((await handle.db.execute(sql`select 1 as one`)) as unknown as unknown[])[0]).toEqual({ one: 1 });
    await new Promise((resolve) => setImmediate(resolve));
  };

  it('fails a transaction whose statement was running when its session ended', { timeout: 30_000 }, async () => {
    const failure = await handle.db
      .transaction(async (transaction) => {
        const pid = await backendPid(transaction);
        // drizzle's statements run when awaited: then() sends this one now
        const running = transaction.execute(sql`select pg_sleep(5)`).then((rows) => rows);
        await waitFor(async () => (await direct`select query from pg_stat_activity where pid = ${pid}`)[0]?.query.includes('pg_sleep') === true);
        await terminate(pid);
        return running;
      })
      .catch((error: unknown) => error);
    expect(isDatabaseError(failure)).toBe(true);
    await settled();
    expect(uncaught).toEqual([]);
  });

  it('refuses the next statement of a transaction whose session ended between two of them', { timeout: 30_000 }, async () => {
    let next: Promise<unknown> | undefined;
    let transactionFailed!: () => void;
    const failedFirst = new Promise<void>((resolve) => (transactionFailed = resolve));
    const failure = await handle.db
      .transaction(async (transaction) => {
        const pid = await backendPid(transaction);
        await terminate(pid);
        // the work goes on after its connection went away, as a long apply's next batch would
        await failedFirst;
        next = transaction.execute(sql`select 2 as two`).then(
          () => 'answered',
          (error: unknown) => error,
        );
        await next;
      })
      .catch((error: unknown) => {
        transactionFailed();
        return error;
      });
    expect(isDatabaseError(failure)).toBe(true);
    await waitUntilSettled(() => next);
    expect(await next).toBeInstanceOf(DatabaseUnavailableError);
    await settled();
    expect(uncaught).toEqual([]);
  });
});

/** Resolves once the promise that `current` returns exists and has settled. */
async function waitUntilSettled(current: () => Promise<unknown> | undefined): Promise<void> {
  await waitFor(() => current() !== undefined, { what: 'the next statement' });
  await current();
}
