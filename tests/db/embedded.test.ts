import { readdirSync, readFileSync } from 'node:fs';
import { sql, type SQL } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { DatabaseUnavailableError } from '../../db/deadline';
import { installedPgliteVersion, TEMPLATE_FOLDER, templateName, usableTemplate } from '../../db/pglite-template';
import type { RequestCompleted } from '../../server/events';
import { copyLine, databaseSink, LOG_COLUMNS } from '../../server/gateway/log-sink';
import { completed } from '../telemetry/requests';

/** The embedded database (PGlite) runs on a worker thread of its own; these are what that promises. */
const ROWS = 40_000;

function event(index: number): RequestCompleted {
  const id = `blocking-${String(index).padStart(6, '0')}`;
  return completed({ id, at: Date.now(), latencyMs: 3, servedModel: 'some-model' });
}

/** The rows of a statement (PGlite's results carry them in `rows`). */
async function rowsOf(database: DatabaseHandle, statement: SQL): Promise<unknown[]> {
  return ((await database.db.execute(statement)) as unknown as { rows: unknown[] }).rows;
}

/** This process's threads by their niceness (the 19th field of /proc/self/task/<tid>/stat, after the name in parentheses). */
function threadsByNiceness(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    counts.set(nice, (counts.get(nice) ?? 0) + 1);
  }
  return counts;
}

describe('the embedded database', () => {
  let database: DatabaseHandle | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it.runIf(process.platform === 'linux')('runs on a thread a notch below the serving thread', async () => {
    const before = threadsByNiceness();
    database = await openDatabase({});
    const after = threadsByNiceness();
    // one more thread at nice 5, the database's own; the serving thread keeps the process's priority
    expect((after.get(5) ?? 0) - (before.get(5) ?? 0)).toBe(1);
    expect(after.get(0)).toBeGreaterThan(0);
  });

  it('writes a large request-log batch without holding up the thread that serves requests', { timeout: 120_000 }, async () => {
    database = await openDatabase({});
    const rows = Buffer.from(Array.from({ length: ROWS }, (_, index) => copyLine(event(index))).join(''));
    // the longest the event loop went without turning: between two ticks of a 5 ms timer, or from
    // the last tick to the end of the write (a loop that stood still the whole time ticks no more)
    let lastTick = performance.now();
    let longestGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - lastTick);
      lastTick = now;
    }, 5);
    const started = performance.now();
    await databaseSink(database).write(rows);
    const finished = performance.now();
    clearInterval(ticker);
    longestGapMs = Math.max(longestGapMs, finished - lastTick);
    const writeMs = finished - started;
    const [{ count }] = (await rowsOf(database, sql`select count(*)::int as count from request_log`)) as [{ count: number }];
    expect(count).toBe(ROWS);
    // On the thread that serves requests the loop stood still for the whole write (the longest gap
    // was the write's time); here it keeps turning while the worker writes. The bound is relative:
    // on a shared machine a busy neighbour alone can keep a thread off the cores for 100 ms or more.
    expect(writeMs).toBeGreaterThan(200);
    expect(longestGapMs).toBeLessThan(writeMs / 4);
  });

  it('writes a batch that fills its own buffer (moved to the worker) and one that is a view into a larger buffer (copied)', { timeout: 60_000 }, async () => {
    database = await openDatabase({});
    const lines = (from: number, count: number) => Array.from({ length: count }, (_, index) => copyLine(event(from + index))).join('');
    const own = Buffer.from(lines(0, 50));
    expect(own.byteOffset === 0 && own.byteLength === own.buffer.byteLength).toBe(true);
    const pooled = Buffer.from(lines(50, 1));
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);
    const poolBytes = pooled.buffer.byteLength;
    await database.copyIn('request_log', LOG_COLUMNS, own);
    await database.copyIn('request_log', LOG_COLUMNS, pooled);
    // the bytes that filled their buffer were moved; Node's pool of small buffers was left alone
    expect(own.buffer.byteLength).toBe(0);
    expect(pooled.buffer.byteLength).toBe(poolBytes);
    const [{ count }] = (await rowsOf(database, sql`select count(*)::int as count from request_log`)) as [{ count: number }];
    expect(count).toBe(51);
  });

  it('reports the death of its thread, and fails every call from then on instead of hanging', { timeout: 60_000 }, async () => {
    database = await openDatabase({});
    const failures: Error[] = [];
    database.onFailure!((error) => failures.push(error));
    await database.thread!.terminate();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(DatabaseUnavailableError);
    expect(failures[0]!.message).toMatch(/embedded database stopped/);
    await expect(database.db.execute(sql`select 1`)).rejects.toThrow();
    await expect(database.copyIn('request_log', ['id'], 'x\n')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await database.ping()).toBe(false);
  });

  it('fails the calls it owes when its thread dies under them', { timeout: 60_000 }, async () => {
    database = await openDatabase({});
    const rows = Buffer.from(Array.from({ length: ROWS }, (_, index) => copyLine(event(index))).join(''));
    const writing = databaseSink(database).write(rows);
    await database.thread!.terminate();
    await expect(writing).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it('keeps a transaction to itself: a statement outside it waits for its end, a failed one rolls back', { timeout: 60_000 }, async () => {
    database = await openDatabase({});
    const { db } = database;
    await db.execute(sql`create table counter (value int not null)`);
    await db.execute(sql`insert into counter values (0)`);
    let outsideRead: Promise<unknown> | undefined;
    await db.transaction(async (transaction) => {
      await transaction.execute(sql`update counter set value = 1`);
      outsideRead = db.execute(sql`select value from counter`);
      // a savepoint, as drizzle's nested transactions make
      await transaction.transaction(async (nested) => nested.execute(sql`update counter set value = 2`));
    });
    expect(((await outsideRead) as { rows: unknown[] }).rows).toEqual([{ value: 2 }]);
    await expect(
      db.transaction(async (transaction) => {
        await transaction.execute(sql`update counter set value = 3`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await rowsOf(database, sql`select value from counter`)).toEqual([{ value: 2 }]);
  });

  it('starts new databases from a template made by the installed PGlite', () => {
    expect(usableTemplate()).toBe(`${TEMPLATE_FOLDER}/${templateName(installedPgliteVersion())}`);
  });
});
