import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, refusedUrl, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';

/**
 * The metrics queries over HTTP, as a dashboard or a script calls them: REST under
 * /api/v1/metrics and tRPC's metrics.*, with real traffic through /v1 first. Figures, range and
 * zone echoed, no-store, who may read them, and every kind of bad input refused with why.
 */
describe.each(testDrivers)('metrics queries on %s', (driver) => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  let metricsKey: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // two days of history kept: a week is past the retention
    gateway = await startGateway({ driver, env: { GROVE_METRICS_RETENTION_DAYS: '2' } });
    await gateway.apply(gatewayModel('api-good', 'openai-compatible', fake.url), gatewayModel('api-broken', 'openai-compatible', await refusedUrl('/v1')), gatewayModel('api-rescued', 'openai-compatible', await refusedUrl('/v1'), { fallbacks: ['api-good'] }));
    metricsKey = await gateway.createKey({ scopes: ['metrics'] });
    const send = (model: string, stream = false) => postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
    for (let index = 0; index < 4; index++) expect((await send('api-good')).status).toBe(200);
    expect((await send('api-good', true)).status).toBe(200);
    for (let index = 0; index < 2; index++) expect((await send('api-broken')).status).toBe(502);
    expect((await send('api-rescued')).status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  const get = async (path: string, key = gateway.adminKey) => {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as LooseJson };
  };

  it('answers totals and percentiles for a range in a zone, echoing both, not to be cached', async () => {
    const answer = await get('/api/v1/metrics?range=1h&timezone=Europe/Paris');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.range).toMatchObject({ timezone: 'Europe/Paris', stepSeconds: 60 });
    expect(answer.body.range.from).toMatch(/\+0[12]:00$/);
    expect(Date.parse(answer.body.range.to) - Date.parse(answer.body.range.from)).toBe(3_600_000);
    expect(answer.body.totals).toMatchObject({ requests: 8, errors: 2, failovers: 1 });
    expect(answer.body.totals.inputTokens).toBeGreaterThan(0);
    expect(answer.body.totals.costUsd).toBeGreaterThan(0);
    expect(answer.body.latencyMs.p50).toBeGreaterThan(0);
    expect(answer.body.ttftMs).not.toBeNull();
  });

  it('groups by model, by key and by local day', async () => {
    const byModel = await get('/api/v1/metrics?range=15m&groupBy=model');
    expect(byModel.body.groups.map((group: LooseJson) => [group.key, group.requests, group.errors, group.failovers])).toEqual([
      ['api-broken', 2, 2, 0],
      ['api-good', 6, 0, 1],
    ]);
    const invokeKeyId = gateway.services.keys.authenticate(gateway.invokeKey)!.keyId;
    const byKey = await get('/api/v1/metrics?range=15m&groupBy=key');
    expect(byKey.body.groups.map((group: LooseJson) => [group.key, group.requests])).toEqual([[invokeKeyId, 8]]);
    const byDay = await get('/api/v1/metrics?range=24h&timezone=Asia/Kathmandu&groupBy=day');
    expect(byDay.body.range.stepSeconds).toBe(900);
    expect(byDay.body.groups.length).toBeGreaterThanOrEqual(1);
    expect(byDay.body.groups.reduce((sum: number, group: LooseJson) => sum + group.requests, 0)).toBe(8);
    for (const group of byDay.body.groups.slice(1)) expect(group.from).toMatch(/T00:00:00\+05:45$/);
  });

  it('filters by model, and answers series, top failing, usage, latency and live figures', async () => {
    expect((await get('/api/v1/metrics?range=1h&model=api-broken')).body.totals).toMatchObject({ requests: 2, errors: 2 });
    const series = await get('/api/v1/metrics/series?range=15m');
    expect(series.status).toBe(200);
    expect(series.body.overall).toHaveLength(15);
    expect(series.body.overall.reduce((sum: number, point: LooseJson) => sum + point.requests, 0)).toBe(8);
    expect(series.body.models.map((model: LooseJson) => model.modelId)).toEqual(['api-broken', 'api-good']);
    const failing = await get('/api/v1/metrics/top-failing?range=1h');
    expect(failing.body.items).toEqual([{ modelId: 'api-broken', requests: 2, errors: 2, errorRate: 1 }]);
    const usage = await get('/api/v1/metrics/usage?range=1h');
    expect(usage.body.byModel[0]).toMatchObject({ modelId: 'api-good', requests: 6 });
    expect(usage.body.byKey).toHaveLength(1);
    const latency = await get('/api/v1/metrics/latency?range=1h');
    expect(latency.body.models.map((model: LooseJson) => model.modelId)).toEqual(['api-broken', 'api-good']);
    const live = await get('/api/v1/metrics/live?seconds=60');
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.body.overall.requests).toBe(8);
  });

  it('lets a metrics key read the figures, but not the registry; an invoke key reads neither', async () => {
    expect((await get('/api/v1/metrics?range=1h', metricsKey)).status).toBe(200);
    expect((await get('/api/v1/models', metricsKey)).status).toBe(403);
    const refused = await get('/api/v1/metrics?range=1h', gateway.invokeKey);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('"metrics" scope');
  });

  it.each([
    ['an unknown time zone', 'range=1h&timezone=Mars/Olympus', 'timezone', 'unknown time zone "Mars/Olympus"'],
    ['an offset for a zone', 'range=1h&timezone=%2B05:30', 'timezone', 'give an IANA name'],
    ['an inverted range', 'from=2026-12-01T12:00:00Z&to=2026-12-01T11:00:00Z', 'from', 'inverted range'],
    ['a range over the retention', 'range=7d', 'range', 'metrics are kept 2 days'],
    ['a start over the retention', `from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}`, 'from', 'the range starts before the retention horizon'],
    ['a preset and from/to at once', 'range=1h&from=2026-12-01T11:00:00Z', 'range', 'either range or from/to'],
    ['a to without a from', 'to=2026-12-01T11:00:00Z', 'from', 'to needs a from'],
    ['a time that is not ISO 8601', 'from=yesterday', 'from', ''],
    ['an unknown grouping', 'range=1h&groupBy=week', 'groupBy', ''],
  ])('answers %s with 400 problem JSON saying why', async (_name, query, path, message) => {
    const response = await fetch(`${gateway.url}/api/v1/metrics?${query}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as LooseJson;
    expect(problem).toMatchObject({ status: 400, title: 'BAD_REQUEST' });
    expect(problem.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]));
  });

  it('answers bad input on tRPC with a BAD_REQUEST listing the problems, and live figures with no-store', async () => {
    const call = (input: unknown) => fetch(`${gateway.url}/trpc/metrics.summary?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    const bad = await call({ timezone: 'Nowhere/Special', from: '2026-12-01T12:00:00Z', to: '2026-12-01T11:00:00Z' });
    expect(bad.status).toBe(400);
    const error = ((await bad.json()) as LooseJson).error;
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.data.problems.map((problem: LooseJson) => problem.path).sort()).toEqual(['from', 'timezone']);
    const good = await call({ range: '15m' });
    expect(good.status).toBe(200);
    expect(good.headers.get('cache-control')).toBe('no-store');
    expect(((await good.json()) as LooseJson).result.data.totals.requests).toBe(8);
    await expect(gateway.grove.admin.metrics.summary({ range: '24h', timezone: 'Asia/Kathmandu' })).resolves.toMatchObject({ range: { timezone: 'Asia/Kathmandu' } });
  });
});
