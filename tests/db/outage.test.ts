import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RequestCompleted } from '../../server/events';
import { buildApp } from '../../server/app';
import { databaseSink } from '../../server/gateway/log-sink';
import { RequestLogWriter } from '../../server/gateway/request-log';
import { createLogger } from '../../server/logger';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { modelObject } from '../routers/fixtures';
import { waitFor } from '../support/wait-for';
import { explainedDecision } from '../support/decisions';

/**
 * A PostgreSQL that goes away or hangs, played by a TCP proxy in front of a real one: the request
 * log keeps its rows through the outage; /readyz and writes answer 503 in time, and a write the
 * caller was told had failed never lands later.
 */
const TIMEOUT_MS = 1_500;

function event(id: string, at: number): RequestCompleted {
  return {
    type: 'request.completed',
    id,
    at,
    requestedModel: 'auto',
    servedModel: 'outage-model',
    rule: null,
    stream: false,
    outcome: 'ok',
    status: 200,
    latencyMs: 3,
    attempts: [{ modelId: 'outage-model', provider: 'simulated', startedAt: at, latencyMs: 3, outcome: 'ok' }],
    decision: explainedDecision(id, ['outage-model']),
  };
}

describe.runIf(testDrivers.includes('postgres'))('a database outage on postgres', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let proxy: TcpProxy;
  let grove: TestServices;
  /** straight to the database, past the proxy: what is really there */
  let direct: import('postgres').Sql;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    proxy = await startTcpProxy(database.url);
    grove = await startTestServices({ env: { DATABASE_URL: proxy.url, GROVE_DB_TIMEOUT_MS: String(TIMEOUT_MS) } });
    const { default: postgres } = await import('postgres');
    direct = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterEach(() => proxy.resume());
  afterAll(async () => {
    await grove?.close();
    await direct?.end();
    await proxy?.close();
    await database?.drop();
  });

  const rowsLike = async (prefix: string) => (await direct`select id from request_log where id like ${prefix + '%'} order by id`).map((row) => row.id as string);

  it('keeps request-log rows while the database is down and writes them all when it is back', { timeout: 30_000 }, async () => {
    const writer = new RequestLogWriter(databaseSink(grove.services.database), createLogger('silent'), { intervalMs: 20, batchSize: 50, maxQueue: 10_000, retryMinMs: 50, retryMaxMs: 200 });
    proxy.cut();
    const at = Date.now();
    for (let index = 0; index < 300; index += 1) writer.enqueue(event(`outage-kept-${String(index).padStart(3, '0')}`, at));
    // the writer tried, and tries again
    await waitFor(() => proxy.refused >= 4);
    expect(writer.dropped).toBe(0);
    expect(writer.stats()).toMatchObject({ written: 0, buffered: 300, databaseDown: true });
    proxy.resume();
    await waitFor(async () => (await rowsLike('outage-kept-')).length === 300);
    expect(writer.stats()).toMatchObject({ written: 300, dropped: 0, buffered: 0, databaseDown: false });
  });

  it('drops the oldest rows past the bound and counts them; the rest arrive', { timeout: 30_000 }, async () => {
    const writer = new RequestLogWriter(databaseSink(grove.services.database), createLogger('silent'), { intervalMs: 20, batchSize: 50, maxQueue: 100, retryMinMs: 50, retryMaxMs: 200 });
    proxy.cut();
    const refusedBefore = proxy.refused;
    const at = Date.now();
    for (let index = 0; index < 250; index += 1) writer.enqueue(event(`outage-bound-${String(index).padStart(3, '0')}`, at));
    await waitFor(() => proxy.refused >= refusedBefore + 4);
    expect(writer.dropped).toBe(150);
    expect(writer.stats()).toMatchObject({ written: 0, buffered: 100 });
    proxy.resume();
    await waitFor(async () => (await rowsLike('outage-bound-')).length === 100);
    expect((await rowsLike('outage-bound-'))[0]).toBe('outage-bound-150');
    expect(writer.stats()).toMatchObject({ written: 100, dropped: 150, buffered: 0 });
  });

  it('keeps a batch that timed out on a hung database, and writes it once when it answers again', { timeout: 30_000 }, async () => {
    const writer = new RequestLogWriter(databaseSink(grove.services.database), createLogger('silent'), { intervalMs: 20, batchSize: 50, maxQueue: 10_000, retryMinMs: 50, retryMaxMs: 200 });
    proxy.hang();
    const at = Date.now();
    for (let index = 0; index < 120; index += 1) writer.enqueue(event(`outage-hung-${String(index).padStart(3, '0')}`, at));
    await waitFor(() => writer.stats().databaseDown);
    expect(writer.stats()).toMatchObject({ written: 0, dropped: 0, buffered: 120 });
    proxy.resume();
    await waitFor(() => writer.stats().written === 120, { timeoutMs: 20_000 });
    expect(writer.stats().dropped).toBe(0);
    expect(await rowsLike('outage-hung-')).toHaveLength(120);
  });

  it('answers /readyz with 503 within about a second while the database hangs', { timeout: 30_000 }, async () => {
    const app = await buildApp(grove.services);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      proxy.hang();
      const started = performance.now();
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', database: 'timeout' });
      expect(elapsed).toBeLessThan(1_500);
    } finally {
      proxy.resume();
      await app.close();
    }
  });

  it('answers an apply on a hung database with 503 in time, and never commits it later', { timeout: 30_000 }, async () => {
    const app = await buildApp(grove.services);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      proxy.hang();
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ objects: [modelObject('outage-late')] }),
        signal: AbortSignal.timeout(TIMEOUT_MS * 3),
      });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 503, detail: 'database unavailable' });
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
      proxy.resume();
      // the held statements now reach the server: wait until every session of ours is idle again
      await waitFor(async () => (await direct`select count(*)::int as busy from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state not in ('idle')`)[0]!.busy === 0);
      expect(await direct`select id from objects where id = 'outage-late'`).toHaveLength(0);
      // and the database serves writes again
      expect((await grove.admin.objects.applyAll({ objects: [modelObject('outage-after')] })).results[0]).toMatchObject({ action: 'created' });
      expect(await direct`select id from objects where id = 'outage-late'`).toHaveLength(0);
    } finally {
      proxy.resume();
      await app.close();
    }
  });
});
