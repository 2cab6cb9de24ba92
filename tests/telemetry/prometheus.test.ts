import { register as globalRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel, hello, postJson, refusedUrl, startGateway, type GatewayHarness } from '../support/gateway';

/** GET /metrics: who may scrape it, and that what it says is what the traffic was. */
describe('Prometheus /metrics', () => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    gateway = await startGateway();
    await gateway.apply(gatewayModel('prom-good', 'openai-compatible', fake.url), gatewayModel('prom-down', 'openai-compatible', await refusedUrl('/v1'), { fallbacks: ['prom-good'] }));
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  const scrape = async (key?: string) => {
    const response = await fetch(`${gateway.url}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  /** One sample's value from the text format; undefined when absent. */
  const sample = (text: string, line: string) => {
    const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
    return found === undefined ? undefined : Number(found.slice(line.length + 1));
  };

  it('refuses a scrape without a key (401) or with a key that may not read figures (403), as problem JSON', async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(anonymous.text)).toMatchObject({ status: 401, detail: expect.stringContaining('metrics') });
    const invoker = await scrape(gateway.invokeKey);
    expect(invoker.status).toBe(403);
    expect(JSON.parse(invoker.text)).toMatchObject({ status: 403, detail: 'this key lacks the "metrics" scope' });
    expect((await scrape('grove_not_a_real_key_000000000000')).status).toBe(401);
  });

  it('lets an admin key and a metrics key scrape, in the text format, never cached', async () => {
    for (const key of [gateway.adminKey, await gateway.createKey({ scopes: ['metrics'] })]) {
      const scraped = await scrape(key);
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(scraped.headers.get('cache-control')).toBe('no-store');
      expect(scraped.text).toContain('# TYPE grove_requests_total counter');
    }
  });

  it('counts requests, tokens, cost, failovers, durations, open circuits and the request log', async () => {
    const send = (model: string, stream = false) => postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
    const answers = [];
    for (let index = 0; index < 3; index++) answers.push(await send('prom-good'));
    answers.push(await send('prom-good', true));
    // three refused connections open prom-down's circuit; each request fails over to prom-good
    for (let index = 0; index < 3; index++) answers.push(await send('prom-down'));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    const usage = answers.filter((answer) => answer.json?.usage).map((answer) => answer.json.usage as { prompt_tokens: number; completion_tokens: number });
    await gateway.services.requestLog.flush();

    const { text } = await scrape(gateway.adminKey);
    expect(sample(text, 'grove_requests_total{model="prom-good",outcome="ok"}')).toBe(7);
    expect(sample(text, 'grove_requests_total{model="prom-good",outcome="error"}')).toBe(0);
    expect(sample(text, 'grove_failovers_total{from="prom-down",to="prom-good"}')).toBe(3);
    expect(sample(text, 'grove_tokens_total{model="prom-good",direction="input"}')).toBeGreaterThanOrEqual(usage.reduce((sum, item) => sum + item.prompt_tokens, 0));
    expect(sample(text, 'grove_tokens_total{model="prom-good",direction="output"}')).toBeGreaterThan(0);
    expect(sample(text, 'grove_cost_usd_total{model="prom-good"}')).toBeGreaterThan(0);
    expect(sample(text, 'grove_request_duration_seconds_bucket{model="prom-good",le="+Inf"}')).toBe(7);
    expect(sample(text, 'grove_request_duration_seconds_bucket{model="prom-good",le="300"}')).toBe(7);
    expect(sample(text, 'grove_request_duration_seconds_count{model="prom-good"}')).toBe(7);
    expect(sample(text, 'grove_time_to_first_token_seconds_count{model="prom-good"}')).toBe(1);
    expect(sample(text, 'grove_circuit_open{model="prom-down"}')).toBe(1);
    expect(sample(text, 'grove_request_log_written_total')).toBeGreaterThanOrEqual(7);
    expect(sample(text, 'grove_request_log_queue_rows')).toBe(0);
    expect(sample(text, 'grove_request_log_dropped_total')).toBe(0);
    expect(sample(text, 'grove_metrics_rollups_dropped_total')).toBe(0);
  });

  it('keeps its metrics in a registry of its own, not prom-client\'s global one', async () => {
    expect(await globalRegistry.metrics()).not.toContain('grove_');
  });
});
