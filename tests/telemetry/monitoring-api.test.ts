import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATENCY_BAND_EDGES_MS } from '../../shared/monitoring';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';

/**
 * What the Monitoring page reads beside the series: the latency heatmap (counts per latency band
 * and step, from the rollups' histograms) and the failover timeline (circuit changes, stored off
 * the request path, and config changes), with real traffic through /v1 and a fake upstream that
 * is switched to failing.
 */
describe.each(testDrivers)('monitoring queries on %s', (driver) => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  let backup: FakeUpstream;
  const send = (model: string) => postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    backup = await startFakeOpenAI();
    gateway = await startGateway({ driver });
    await gateway.apply(gatewayModel('mon-backup', 'openai-compatible', backup.url), gatewayModel('mon-primary', 'openai-compatible', fake.url, { fallbacks: ['mon-backup'] }));
    fake.setBehavior({ latencyMs: 30 });
    for (let index = 0; index < 5; index++) expect((await send('mon-primary')).status).toBe(200);
    backup.setBehavior({ latencyMs: 600 });
    for (let index = 0; index < 3; index++) expect((await send('mon-backup')).status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
    await backup?.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    return { status: response.status, body: (await response.json()) as LooseJson };
  };
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

  it('counts every request of the range in one latency band of one step: the totals are the summary\'s', async () => {
    for (const query of ['range=1h', 'range=24h&timezone=Asia/Kathmandu', 'range=15m&model=mon-backup']) {
      const heatmap = await get(`/api/v1/metrics/latency-heatmap?${query}`);
      expect(heatmap.status).toBe(200);
      const summary = await get(`/api/v1/metrics?${query}`);
      expect(heatmap.body.range).toEqual(summary.body.range);
      expect(heatmap.body.requests).toBe(summary.body.totals.requests);
      expect(sum(heatmap.body.buckets.map((bucket: LooseJson) => bucket.requests))).toBe(summary.body.totals.requests);
      expect(sum(heatmap.body.buckets.flatMap((bucket: LooseJson) => bucket.counts))).toBe(summary.body.totals.requests);
      const series = await get(`/api/v1/metrics/series?${query}`);
      // the same steps as the series: each bucket's count is that point's requests
      expect(heatmap.body.buckets.map((bucket: LooseJson) => [bucket.start, bucket.requests])).toEqual(series.body.overall.map((point: LooseJson) => [point.start, point.requests]));
    }
    const heatmap = (await get('/api/v1/metrics/latency-heatmap?range=1h')).body;
    expect(heatmap.bands).toHaveLength(LATENCY_BAND_EDGES_MS.length);
    expect(heatmap.bands.at(-1)).toEqual({ fromMs: 100_000, toMs: null });
    expect(heatmap.buckets).toHaveLength(60);
    const totals = heatmap.bands.map((_: unknown, band: number) => sum(heatmap.buckets.map((bucket: LooseJson) => bucket.counts[band])));
    // the 600 ms backup answers sit in the 500–1,000 ms band, the 30 ms primary's below it
    const band = (ms: number) => heatmap.bands.findIndex((entry: LooseJson) => entry.fromMs <= ms && (entry.toMs === null || ms < entry.toMs));
    expect(totals[band(700)]).toBe(3);
    expect(sum(totals.slice(0, band(700)))).toBe(5);
  });

  it('records a circuit that opens, with the state before, on the timeline; config changes are markers', async () => {
    const before = (await get('/api/v1/metrics/timeline?range=15m')).body;
    expect(before.models).toEqual([]);
    expect(before.configChanges.map((change: LooseJson) => [change.kind, change.objectId, change.action])).toEqual(
      expect.arrayContaining([
        ['Model', 'mon-backup', 'create'],
        ['Model', 'mon-primary', 'create'],
      ]),
    );
    // hard failures: three reset connections open the circuit; the fallback serves
    fake.setBehavior({ reset: 'before-headers' });
    for (let index = 0; index < 3; index++) expect((await send('mon-primary')).status).toBe(200);
    const opened = (await get('/api/v1/metrics/timeline?range=15m&model=mon-primary')).body;
    expect(opened.models).toHaveLength(1);
    expect(opened.models[0]).toMatchObject({ modelId: 'mon-primary', initial: null, changes: [{ from: 'closed', to: 'open', reason: expect.stringContaining('consecutive failures') }] });
    expect(opened.models[0].changes[0].instanceId).toBe(gateway.services.telemetry.options.instanceId);

    // stored, then read back from the database alone: once, not twice
    await gateway.services.telemetry.circuits.write();
    expect(gateway.services.telemetry.circuits.unstored()).toEqual([]);
    const stored = (await get('/api/v1/metrics/timeline?range=15m')).body;
    expect(stored.models.map((model: LooseJson) => [model.modelId, model.changes.length])).toEqual([['mon-primary', 1]]);

    // a range that starts after the change: the lane starts open, with no change in it
    const later = new Date(Date.now() + 60_000).toISOString();
    const after = (await get(`/api/v1/metrics/timeline?from=${encodeURIComponent(later)}&to=${encodeURIComponent(new Date(Date.now() + 120_000).toISOString())}`)).body;
    expect(after.models).toEqual([{ modelId: 'mon-primary', initial: 'open', changes: [] }]);
  });

  it('lists a config change made during the range, and refuses bad input with why', async () => {
    await gateway.apply(gatewayModel('mon-backup', 'openai-compatible', backup.url, { pricing: { inputPer1M: 2, outputPer1M: 4 } }));
    const timeline = (await get('/api/v1/metrics/timeline?range=1h')).body;
    expect(timeline.configChanges.filter((change: LooseJson) => change.objectId === 'mon-backup').map((change: LooseJson) => [change.revision, change.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ]);
    const refused = await get('/api/v1/metrics/timeline?from=2026-12-01T12:00:00Z&to=2026-12-01T11:00:00Z');
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([expect.objectContaining({ path: 'from', message: expect.stringContaining('inverted range') })]);
    expect((await get('/api/v1/metrics/latency-heatmap?range=1h&timezone=Mars/Olympus')).status).toBe(400);
  });
});
