import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestCompleted } from '../../server/events';
import { databaseSink } from '../../server/gateway/log-sink';
import { getDecision, listDecisions, readDecision } from '../../server/gateway/decision-log';
import { RequestLogWriter } from '../../server/gateway/request-log';
import { createLogger } from '../../server/logger';
import { testDrivers } from '../support/database';
import { explainedDecision } from '../support/decisions';
import { waitFor } from '../support/wait-for';
import { startTestServices, type TestServices } from '../support/services';

/** The batched writer on its own: batches, the bounded queue, and a database that fails. */
function event(id: string, at: number): RequestCompleted {
  return {
    type: 'request.completed',
    id,
    at,
    requestedModel: 'auto',
    servedModel: 'log-model',
    rule: null,
    stream: false,
    outcome: 'ok',
    status: 200,
    latencyMs: 12.5,
    attempts: [{ modelId: 'log-model', provider: 'simulated', startedAt: at, latencyMs: 12.5, outcome: 'ok' }],
    decision: explainedDecision(id, ['log-model']),
  };
}

describe.each(testDrivers)('request log writer on %s', (driver) => {
  let grove: TestServices;
  const sinkFor = (services: TestServices) => databaseSink(services.services.database);
  beforeAll(async () => {
    grove = await startTestServices({ driver });
  });
  afterAll(async () => {
    await grove?.close();
  });

  it('writes a full batch at once and the rest on its timer', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 30, batchSize: 3, maxQueue: 100 });
    const at = Date.now();
    for (let index = 0; index < 4; index += 1) writer.enqueue(event(`log-batch-${index}`, at + index));
    // no flush: the fourth row is written by the timer alone
    await waitFor(() => writer.stats().written === 4, { what: 'four rows written' });
    const { items: rows } = await listDecisions(grove.services.database.db, { model: 'log-model', limit: 10 });
    expect(rows.map((row) => row.id).sort()).toEqual(['log-batch-0', 'log-batch-1', 'log-batch-2', 'log-batch-3']);
    expect(rows[0]).toMatchObject({ outcome: 'ok', latencyMs: 12.5, attempts: [{ modelId: 'log-model', outcome: 'ok' }] });
  });

  it('lets rows that arrive during a write wait for their own batch instead of following in batches of a few', async () => {
    const sink = sinkFor(grove);
    const batches: number[] = [];
    const startedAt: number[] = [];
    // the database sink, made slow enough that rows keep arriving while a batch is written
    const slow = {
      async write(rows: Uint8Array<ArrayBuffer>) {
        batches.push(Buffer.from(rows).toString('utf8').split('\n').length - 1);
        startedAt.push(performance.now());
        // time is the subject: a write that lasts while rows keep arriving
        await new Promise((resolve) => setTimeout(resolve, 40));
        await sink.write(rows);
      },
    };
    const writer = new RequestLogWriter(slow, createLogger('silent'), { intervalMs: 150, batchSize: 20, maxQueue: 1000 });
    const at = Date.now();
    for (let index = 0; index < 20; index += 1) writer.enqueue(event(`log-pace-${index}`, at));
    // 30 more rows, one every 5 ms, while the first batch is being written and after
    for (let index = 20; index < 50; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      writer.enqueue(event(`log-pace-${index}`, at));
    }
    // written by the writer's own timer, not by a flush, which would write whatever waits
    await waitFor(() => writer.stats().written === 50, { what: 'fifty rows written' });
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(50);
    expect(batches[0]).toBe(20);
    // A draining writer would have sent the 30 in batches of ~8, each right after the previous
    // write (40 ms apart). Here a batch that is not full waited for the writer's interval. Gaps,
    // not a count of batches: on a loaded machine the 30 rows take longer to arrive, not less.
    for (let index = 1; index < batches.length; index++) {
      if (batches[index] === 20) continue;
      expect(startedAt[index]! - startedAt[index - 1]!, `batch ${index} of ${batches.join(', ')}`).toBeGreaterThanOrEqual(100);
    }
    const { items: rows } = await listDecisions(grove.services.database.db, { since: new Date(at - 1).toISOString(), until: new Date(at + 1).toISOString(), limit: 100 });
    expect(rows.filter((row) => row.id.startsWith('log-pace-'))).toHaveLength(50);
  });

  it('loses only the rows the database refuses: a batch with a bad row is split until it is found', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    const at = Date.now();
    writer.enqueue(event('log-split-0', at));
    await writer.flush();
    // a duplicate id among seven new rows: COPY refuses the batch, the writer keeps the seven
    for (let index = 1; index <= 7; index += 1) {
      writer.enqueue(event(index === 4 ? 'log-split-0' : `log-split-${index}`, at + index));
    }
    await writer.flush();
    expect(writer.dropped).toBe(1);
    const { items: rows } = await listDecisions(grove.services.database.db, { since: new Date(at - 1).toISOString(), limit: 20 });
    expect(rows.filter((row) => row.id.startsWith('log-split-')).map((row) => row.id).sort()).toEqual(['log-split-0', 'log-split-1', 'log-split-2', 'log-split-3', 'log-split-5', 'log-split-6', 'log-split-7']);
  });

  it('stores text fields with tabs, newlines, backslashes and NUL, JSON with escapes, and out-of-range numbers as null', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    const odd: RequestCompleted = {
      ...event('log-odd\tab', Date.now()),
      requestedModel: 'back\\slash, tab \t, newline \n, return \r, a literal \\N, NUL \0 end',
      keyId: '\\N',
      rule: null,
      errorKind: 'tab\there',
      latencyMs: Number.NaN,
      ttftMs: Number.POSITIVE_INFINITY,
      promptTokens: 2 ** 40,
      completionTokens: 1.5,
      costUsd: 1e-9,
      attempts: [{ modelId: 'a\\b"c\nd', provider: 'simulated', startedAt: 1, latencyMs: 0.25, outcome: 'ok' }],
      decision: explainedDecision('x', [], { candidates: [{ modelId: 'x', eligible: false, excluded: { reason: 'lifecycle', detail: 'quote " backslash \\ newline \n tab \t unicode \u2028 é 🌲' } }] }),
    };
    writer.enqueue(odd);
    await writer.flush();
    expect(writer.dropped).toBe(0);
    const row = await getDecision(grove.services.database.db, odd.id);
    expect(row).toMatchObject({
      requestedModel: 'back\\slash, tab \t, newline \n, return \r, a literal \\N, NUL \uFFFD end',
      keyId: '\\N',
      rule: null,
      errorKind: 'tab\there',
      ttftMs: Number.POSITIVE_INFINITY,
      promptTokens: null,
      completionTokens: null,
      costUsd: 1e-9,
      attempts: odd.attempts,
      decision: odd.decision,
    });
    expect(row?.latencyMs).toBeNaN();
  });

  it('drops the oldest rows past maxQueue, and counts them', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 2 });
    const at = Date.now() - 10_000;
    for (let index = 0; index < 5; index += 1) writer.enqueue(event(`log-drop-${index}`, at));
    expect(writer.dropped).toBe(3);
    await writer.flush();
    const { items: rows } = await listDecisions(grove.services.database.db, { since: new Date(at - 1).toISOString(), until: new Date(at + 1).toISOString(), limit: 10 });
    expect(rows.map((row) => row.id).sort()).toEqual(['log-drop-3', 'log-drop-4']);
  });

  it.runIf(driver === 'postgres')('writes on a new COPY connection when the database dropped the old one, losing nothing', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    const at = Date.now();
    writer.enqueue(event('log-reconnect-0', at));
    await writer.flush();
    const { db } = grove.services.database;
    const killed = (await db.execute(sql`select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = 'grove-request-log' and datname = current_database()`)) as unknown as unknown[];
    expect(killed).toHaveLength(1);
    // the next batch finds the connection gone and is written on a new one: nothing is lost
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      writer.enqueue(event(`log-reconnect-${attempt}`, at + attempt));
      await writer.flush();
    }
    expect(writer.dropped).toBe(0);
    const { items: rows } = await listDecisions(db, { since: new Date(at - 1).toISOString(), limit: 20 });
    // other tests' rows may share the time range (the split test writes up to 7 ms ahead of now)
    expect(rows.filter((row) => row.id.startsWith('log-reconnect-')).map((row) => row.id).sort()).toEqual(['log-reconnect-0', 'log-reconnect-1', 'log-reconnect-2', 'log-reconnect-3']);
  });

  it('counts a failed batch as dropped instead of throwing', async () => {
    const spare = await startTestServices({ driver });
    const sink = sinkFor(spare);
    await spare.close();
    const writer = new RequestLogWriter(sink, createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    writer.enqueue(event('log-lost', Date.now()));
    await writer.flush();
    expect(writer.dropped).toBe(1);
  });

  it('tells a reader waiting for a row it dropped at once, and the reader says it was not logged', async () => {
    const spare = await startTestServices({ driver });
    const sink = sinkFor(spare);
    await spare.close();
    const writer = new RequestLogWriter(sink, createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    writer.enqueue(event('log-dropped', Date.now()));
    expect(writer.holds('log-dropped')).toBe(true);
    const startedAt = Date.now();
    const settled = writer.whenSettled('log-dropped', 10_000);
    const read = readDecision(grove.services.database.db, writer, 'log-dropped', 10_000);
    // a shutdown's flush drops what the database cannot take
    await writer.flush();
    await settled;
    await expect(read).rejects.toThrow(/was not logged: the request log dropped it/);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(writer.holds('log-dropped')).toBe(false);
  });

  it('encodes a row after the turn that produced it (the explanation is not on the answer path), and drops one that cannot be encoded', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    const at = Date.now();
    let explained = false;
    const lazy = event('log-lazy', at);
    lazy.decision = {
      ...explainedDecision('log-lazy', ['log-model']),
      get candidates() {
        explained = true;
        return [];
      },
    };
    const unencodable = { ...event('log-unencodable', at), decision: Object.assign(explainedDecision('log-unencodable', []), { tokens: 1n }) };
    writer.enqueue(lazy);
    writer.enqueue(unencodable);
    expect(explained).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(explained).toBe(true);
    expect(writer.dropped).toBe(1);
    await writer.flush();
    expect(await getDecision(grove.services.database.db, 'log-lazy')).toMatchObject({ decision: { id: 'log-lazy', candidates: [] } });
    expect(await getDecision(grove.services.database.db, 'log-unencodable')).toBeUndefined();
  });
});
