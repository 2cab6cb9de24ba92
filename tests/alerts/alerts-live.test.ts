import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertFired, AlertResolved, GroveEvent } from '../../server/events';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { startFakeWebhook, type FakeWebhook } from '../fakes/fake-webhook';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, refusedUrl, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';
import { waitFor } from '../support/wait-for';
import { alertRule } from './fixtures';

/**
 * Alerts end to end: synthetic traffic through /v1 to a fake upstream, the evaluator run by the
 * telemetry tick every second, the events on the bus, the state over tRPC and REST, and a webhook
 * receiver on 127.0.0.1 that fails twice before it takes the payload.
 */
describe.each(testDrivers)('alerts on %s', (driver) => {
  let gateway: GatewayHarness;
  let upstream: FakeUpstream;
  let webhook: FakeWebhook;
  const alertEvents: Array<AlertFired | AlertResolved> = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    webhook = await startFakeWebhook();
    gateway = await startGateway({ driver, env: { GROVE_ALERT_WEBHOOK_BACKOFF_MS: '50', GROVE_ALERT_WEBHOOK_TIMEOUT_MS: '2000' } });
    await gateway.apply(gatewayModel('alerted', 'openai-compatible', upstream.url));
    gateway.services.events.on((event: GroveEvent) => {
      if (event.type === 'alert.fired' || event.type === 'alert.resolved') alertEvents.push(event);
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await webhook?.close();
  });

  const send = (model: string) => postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello });
  const getAlerts = async () => {
    const response = await fetch(`${gateway.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body: (await response.json()) as LooseJson };
  };

  it('fires on errors, tells the webhook on its third try, and resolves when the errors are diluted', async () => {
    await gateway.apply(
      alertRule('alerted-errors', {
        metric: 'error_rate',
        model: 'alerted',
        comparator: '>',
        threshold: 0.2,
        windowSeconds: 30,
        forSeconds: 0,
        webhook: { url: webhook.url, headers: { Authorization: 'Bearer hook-secret-7788' } },
      }),
    );
    expect((await gateway.grove.admin.alerts.list()).items).toMatchObject([{ alert: 'alerted-errors', state: 'ok', value: null }]);

    webhook.queueAnswers(500, 500);
    upstream.setBehavior({ status: 500 });
    for (let index = 0; index < 2; index++) expect((await send('alerted')).status).toBe(500);
    await waitFor(() => alertEvents.some((event) => event.type === 'alert.fired'), { what: 'alert.fired', timeoutMs: 5_000 });
    expect(alertEvents[0]).toMatchObject({ type: 'alert.fired', alertId: 'alerted-errors', metric: 'error_rate', modelId: 'alerted', value: 1, threshold: 0.2 });

    await waitFor(() => webhook.received.length >= 3, { what: 'the third webhook try', timeoutMs: 5_000 });
    expect(webhook.received.map((post) => post.answer)).toEqual([500, 500, 200]);
    const delivered = webhook.received[2]!;
    expect(delivered.body).toEqual({ alert: 'alerted-errors', state: 'firing', metric: 'error_rate', model: 'alerted', value: 1, threshold: 0.2, at: new Date(alertEvents[0]!.at).toISOString() });
    expect(delivered.headers).toMatchObject({ authorization: 'Bearer hook-secret-7788', 'content-type': 'application/json' });
    // backoff: the retries were spaced, the second wait longer than the first
    const [first, second, third] = webhook.received.map((post) => post.at);
    expect(second! - first!).toBeGreaterThanOrEqual(45);
    expect(third! - second!).toBeGreaterThanOrEqual(95);

    const firing = await getAlerts();
    expect(firing).toMatchObject({ status: 200, cacheControl: 'no-store' });
    expect(firing.body.items).toMatchObject([{ alert: 'alerted-errors', state: 'firing', value: 1, metric: 'error_rate', model: 'alerted', comparator: '>', threshold: 0.2 }]);
    expect(firing.body.history).toMatchObject([{ alert: 'alerted-errors', state: 'firing', value: 1 }]);

    upstream.setBehavior({});
    for (let index = 0; index < 10; index++) expect((await send('alerted')).status).toBe(200);
    await waitFor(() => alertEvents.some((event) => event.type === 'alert.resolved'), { what: 'alert.resolved', timeoutMs: 5_000 });
    await waitFor(() => webhook.received.length >= 4, { what: 'the resolve webhook', timeoutMs: 5_000 });
    // 2 errors in 11 or 12 requests, depending on whether the second that resolved it saw the last one
    const resolvedBody = webhook.received[3]!.body as LooseJson;
    expect(resolvedBody).toMatchObject({ alert: 'alerted-errors', state: 'resolved', metric: 'error_rate', model: 'alerted', threshold: 0.2 });
    expect([2 / 11, 2 / 12]).toContain(resolvedBody.value);
    const resolved = await gateway.grove.admin.alerts.list();
    expect(resolved.items[0]).toMatchObject({ state: 'ok' });
    expect(resolved.history.map((entry) => entry.state)).toEqual(['resolved', 'firing']);
    // the receiver records a POST before its answer reaches the sender
    await waitFor(() => gateway.services.webhooks.stats.delivered === 2, { what: 'the sender to count the answer' });
    expect(gateway.services.webhooks.stats).toMatchObject({ delivered: 2, retries: 2, failed: 0, dropped: 0 });
    const prometheus = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminKey}` } })).text();
    expect(prometheus).toContain('grove_alert_webhooks_total{result="delivered"} 2');
    expect(prometheus).toContain('grove_alert_webhook_retries_total 2');
  });

  it('serves requests at full speed while webhook targets hang, refuse or fail', async () => {
    const hanging = await startFakeWebhook();
    const failing = await startFakeWebhook();
    hanging.setAnswer('hang');
    failing.setAnswer(500);
    try {
      await gateway.apply(gatewayModel('watched', 'openai-compatible', upstream.url));
      const everyRequest = { metric: 'cost_per_hour_usd', model: 'watched', comparator: '>=', threshold: 0, windowSeconds: 5 } as const;
      await gateway.apply(
        alertRule('to-hanging', { ...everyRequest, webhook: { url: hanging.url } }),
        alertRule('to-refusing', { ...everyRequest, webhook: { url: await refusedUrl('/hook') } }),
        alertRule('to-failing', { ...everyRequest, webhook: { url: failing.url } }),
      );
      // the rules hold from the first evaluation on (cost ≥ 0): all three fire and their targets are busy
      await waitFor(() => hanging.hanging > 0 && failing.received.length > 0, { what: 'webhooks under way', timeoutMs: 5_000 });
      const latencies: number[] = [];
      for (let index = 0; index < 20; index++) {
        const started = performance.now();
        expect((await send('watched')).status).toBe(200);
        latencies.push(performance.now() - started);
      }
      // the webhook timeout is 2 s: a request that waited on a webhook would take that long (the
      // bound is loose for a busy machine; these requests take a few ms)
      expect(hanging.hanging).toBeGreaterThan(0);
      expect(Math.max(...latencies)).toBeLessThan(1_000);
    } finally {
      for (const id of ['to-hanging', 'to-refusing', 'to-failing']) await gateway.services.registry.remove('test', 'AlertRule', id);
      await hanging.close();
      await failing.close();
    }
  });

  it('tests a webhook once and reports what its target answered', async () => {
    webhook.setAnswer(200);
    const before = webhook.received.length;
    expect(await gateway.grove.admin.alerts.testWebhook({ id: 'alerted-errors' })).toMatchObject({ delivered: true, status: 200, error: null });
    expect(webhook.received[before]).toMatchObject({ body: { alert: 'alerted-errors', state: 'firing', metric: 'error_rate', model: 'alerted', test: true }, headers: { authorization: 'Bearer hook-secret-7788' } });
    // a webhook being edited: its { set: true } header is the stored rule's
    webhook.setAnswer(500);
    expect(await gateway.grove.admin.alerts.testWebhook({ id: 'alerted-errors', webhook: { url: webhook.url, headers: { Authorization: { set: true }, 'X-Extra': 'yes' } } })).toMatchObject({ delivered: false, status: 500, error: 'answered 500' });
    expect(webhook.received[before + 1]!.headers).toMatchObject({ authorization: 'Bearer hook-secret-7788', 'x-extra': 'yes' });
    expect(webhook.received).toHaveLength(before + 2);

    const refused = await gateway.grove.admin.alerts.testWebhook({ webhook: { url: await refusedUrl('/hook') } });
    expect(refused).toMatchObject({ delivered: false, status: null, error: expect.stringContaining('ECONNREFUSED') });
    webhook.setAnswer('hang');
    const hung = await gateway.grove.admin.alerts.testWebhook({ webhook: { url: webhook.url } });
    expect(hung).toMatchObject({ delivered: false, status: null, error: 'no answer within 2000 ms' });
    expect(hung.durationMs).toBeGreaterThanOrEqual(1_900);
    webhook.setAnswer(200);
  });

  it('refuses an invalid AlertRule over REST with every problem listed, as problem JSON', async () => {
    const response = await postJson(`${gateway.url}/api/v1/apply`, gateway.adminKey, {
      objects: [alertRule('bad-rule', { metric: 'errors', model: 'ghost', comparator: '>', threshold: 1, windowSeconds: -1, webhook: { url: 'file:///etc/passwd' } })],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((response.json.problems as Array<{ path: string }>).map((problem) => problem.path).sort()).toEqual(['spec.metric', 'spec.model', 'spec.webhook.url', 'spec.windowSeconds']);
    expect((await gateway.grove.admin.alerts.list()).items.map((item) => item.alert)).not.toContain('bad-rule');
  });

  it('refuses a webhook test it cannot send, in the caller’s format', async () => {
    const rest = (body: unknown) => postJson(`${gateway.url}/api/v1/alerts/test-webhook`, gateway.adminKey, body);
    expect((await rest({})).status).toBe(400);
    expect((await rest({ webhook: { url: 'ftp://example.com' } })).status).toBe(400);
    expect((await rest({ id: 'no-such-rule' })).status).toBe(404);
    const secretWithoutRule = await rest({ webhook: { url: webhook.url, headers: { Authorization: { set: true } } } });
    expect(secretWithoutRule.status).toBe(400);
    expect(JSON.stringify(secretWithoutRule.json)).toContain('webhook.headers.Authorization');
    // an invoke key may neither read alerts nor send webhooks
    expect((await fetch(`${gateway.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${gateway.invokeKey}` } })).status).toBe(403);
    expect((await postJson(`${gateway.url}/api/v1/alerts/test-webhook`, gateway.invokeKey, { id: 'alerted-errors' })).status).toBe(403);
  });
});
