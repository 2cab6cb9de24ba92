import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait-for';
import { completed } from './requests';

/**
 * A database outage, played by a TCP proxy in front of a real PostgreSQL: the data plane serves,
 * live figures go on, closed rollups wait in a bounded buffer and what does not fit is dropped and
 * counted (in /metrics and the log), and everything is written by itself once the database is back.
 */
describe.runIf(testDrivers.includes('postgres'))('telemetry through a database outage', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let proxy: TcpProxy;
  let gateway: GatewayHarness;
  let direct: import('postgres').Sql;
  const lines: LooseJson[] = [];

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    proxy = await startTcpProxy(database.url);
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as LooseJson), done()) }));
    gateway = await startGateway({ env: { DATABASE_URL: proxy.url, GROVE_DB_TIMEOUT_MS: '1500', GROVE_METRICS_BUFFER_ROWS: '4' }, logger });
    await gateway.apply(gatewayModel('outage-sim', 'simulated', undefined));
    const { default: postgres } = await import('postgres');
    direct = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    proxy?.resume();
    await gateway?.close();
    await direct?.end();
    await proxy?.close();
    await database?.drop();
  });

  const get = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    return { status: response.status, text: await response.text() };
  };
  const sample = (text: string, name: string) => Number(text.split('\n').find((line) => line.startsWith(`${name} `))?.split(' ')[1]);

  it('serves, buffers within the bound, counts what it drops, and writes the rest when the database is back', { timeout: 60_000 }, async () => {
    const { telemetry } = gateway.services;
    proxy.cut();
    // the data plane answers from its snapshots
    for (let index = 0; index < 3; index++) expect((await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: 'outage-sim', messages: hello })).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    // ten past minutes of traffic close now: ten minute rollups (and their quarters) for a buffer of four
    const now = Date.now();
    for (let minute = 1; minute <= 10; minute++) gateway.services.events.emit(completed({ at: now - minute * 60_000 - 5_000, latencyMs: 10, servedModel: 'outage-sim' }));
    telemetry.tick();
    await waitFor(() => telemetry.writer.stats().databaseDown, { what: 'the writer to find the database down' });
    const during = telemetry.writer.stats();
    expect(during.buffered).toBe(4);
    expect(during.dropped).toBeGreaterThanOrEqual(6);
    expect(lines.some((line) => line.msg?.includes('rollup buffer full') && line.level === 40)).toBe(true);
    expect(lines.some((line) => line.msg?.includes('cannot take rollups') && line.level === 50)).toBe(true);

    // live figures and Prometheus need no database; stored figures say it is unavailable
    const live = await get('/api/v1/metrics/live?seconds=60');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text).overall.requests).toBeGreaterThanOrEqual(3);
    const scraped = await get('/metrics');
    expect(scraped.status).toBe(200);
    expect(sample(scraped.text, 'grove_metrics_rollups_dropped_total')).toBe(during.dropped);
    expect(sample(scraped.text, 'grove_metrics_rollups_queue_rows')).toBe(4);
    expect(sample(scraped.text, 'grove_request_log_queue_rows')).toBeGreaterThanOrEqual(3);
    expect((await get('/api/v1/metrics?range=1h')).status).toBe(503);

    proxy.resume();
    await waitFor(() => !telemetry.writer.stats().databaseDown && telemetry.writer.stats().buffered === 0, { timeoutMs: 30_000, what: 'the rollups kept during the outage to be written' });
    const after = telemetry.writer.stats();
    expect(after.dropped).toBe(during.dropped);
    const [stored] = await direct`select count(*)::int as rows, coalesce(sum(requests) filter (where bucket_seconds = 60), 0)::int as requests from metric_rollups`;
    expect(stored!.rows).toBe(after.written);
    expect(stored!.rows + after.dropped).toBe(during.buffered + during.dropped);
    expect(lines.some((line) => line.msg?.includes('the database is back; writing the rollups'))).toBe(true);
    // and the stored figures answer again, the kept minutes and the requests still open included
    const answer = await get('/api/v1/metrics?range=1h');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).totals.requests).toBe(stored!.requests + 3);
    expect((await get('/readyz')).status).toBe(200);
  });
});
