import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveTick } from '../../shared/feeds';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, refusedUrl, startGateway, type GatewayHarness } from '../support/gateway';
import { startTcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait-for';
import { outcomeOf, wsClientFor } from '../support/ws-client';
import { subscribeFeed } from './feed-subscriber';

/**
 * The live subscriptions over a real ws connection with the real tRPC client, fed by real requests
 * through /v1 to a fake upstream on loopback: ticks each second with the figures of those requests,
 * the events feed with failovers and lifecycle changes, resuming with no gap and no duplicate,
 * who may subscribe, and the end of a subscription when its key is revoked.
 */
describe.each(testDrivers)('live feeds over ws (%s)', (driver) => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  const opened: Array<() => void> = [];
  const connect = (key: string) => {
    const connection = wsClientFor(gateway.url, key);
    opened.push(connection.close);
    return connection;
  };
  const send = (model: string) => postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello });

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    gateway = await startGateway({ driver });
    await gateway.apply(gatewayModel('feed-good', 'openai-compatible', fake.url), gatewayModel('feed-broken', 'openai-compatible', await refusedUrl('/v1'), { fallbacks: ['feed-good'] }), gatewayModel('feed-spare', 'openai-compatible', fake.url));
  });
  afterAll(async () => {
    for (const close of opened) close();
    await gateway?.close();
    await fake?.close();
  });

  it('metrics.liveFeed: a tick each second, with the figures of the requests just served', async () => {
    const { client } = connect(gateway.adminKey);
    const feed = subscribeFeed(client, 'ticks');
    await feed.ready;
    fake.setBehavior({ latencyMs: 40 });
    const answers = [];
    for (let index = 0; index < 3; index++) answers.push(await send('feed-good'));
    fake.setBehavior({});
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const ticks = () => feed.items.map((item) => item.data).filter((data): data is LiveTick => data.type === 'metrics.tick');
    const served = () => ticks().flatMap((tick) => tick.models.filter((model) => model.modelId === 'feed-good'));
    await waitFor(() => served().reduce((sum, figures) => sum + figures.requests, 0) === 3, { what: 'three requests in the ticks' });

    const sum = (pick: (figures: LiveTick['overall']) => number) => served().reduce((total, figures) => total + pick(figures), 0);
    expect(sum((figures) => figures.inputTokens)).toBe(answers.reduce((total, answer) => total + answer.json.usage.prompt_tokens, 0));
    expect(sum((figures) => figures.outputTokens)).toBe(answers.reduce((total, answer) => total + answer.json.usage.completion_tokens, 0));
    expect(sum((figures) => figures.costUsd)).toBeCloseTo(answers.reduce((total, answer) => total + Number(answer.headers.get('x-grove-cost-usd')), 0), 12);
    expect(sum((figures) => figures.errors)).toBe(0);
    for (const figures of served()) expect(figures.latencyMs!.p50).toBeGreaterThanOrEqual(40);
    // each tick covers the second after the one before, and they come about a second apart
    await waitFor(() => ticks().length >= 3, { what: 'three ticks' });
    const seconds = ticks().map((tick) => Date.parse(tick.second));
    for (let index = 1; index < seconds.length; index++) expect(seconds[index]! - seconds[index - 1]!).toBe(1_000);
    const arrivals = feed.items.map((item) => item.receivedAt);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan((arrivals.length - 2) * 900);
    // overall: every model of the second, merged
    for (const tick of ticks()) expect(tick.overall.requests).toBe(tick.models.reduce((total, model) => total + model.requests, 0));
    feed.unsubscribe();
  });

  it('events.feed: a failover and a lifecycle change, as they happen', async () => {
    const { client } = connect(gateway.adminKey);
    const feed = subscribeFeed(client, 'events');
    await feed.ready;
    const answer = await send('feed-broken');
    expect(answer.status).toBe(200);
    const failover = await feed.waitForItem((item) => item.type === 'failover' && item.requestId === answer.headers.get('x-grove-decision-id'), 'the failover');
    expect(failover).toMatchObject({ type: 'failover', from: 'feed-broken', to: 'feed-good', reason: expect.any(String) });
    await gateway.grove.admin.models.transition({ id: 'feed-spare', to: 'deprecated' });
    const adminKeyId = gateway.services.keys.authenticate(gateway.adminKey)!.keyId;
    const change = await feed.waitForItem((item) => item.type === 'model.changed' && item.modelId === 'feed-spare', 'the lifecycle change');
    expect(change).toMatchObject({ action: 'lifecycle:deprecated', lifecycle: { from: 'active', to: 'deprecated' }, actorKeyId: adminKeyId });
    expect(Date.parse(change.at)).toBeGreaterThan(Date.now() - 10_000);
    await gateway.grove.admin.models.transition({ id: 'feed-spare', to: 'active' });
    feed.unsubscribe();
  });

  it('a client that disconnects and resumes with its lastEventId misses nothing and gets nothing twice', async () => {
    // a model of its own: its circuit is closed, so its first failures each fail over
    await gateway.apply(gatewayModel('resume-broken', 'openai-compatible', await refusedUrl('/v1'), { fallbacks: ['feed-good'] }));
    const reference = subscribeFeed(connect(gateway.adminKey).client, 'events');
    const first = connect(gateway.adminKey);
    const interrupted = subscribeFeed(first.client, 'events');
    await Promise.all([reference.ready, interrupted.ready]);
    for (let index = 0; index < 2; index++) expect((await send('resume-broken')).status).toBe(200);
    await waitFor(() => interrupted.items.length >= 2, { what: 'the first failovers' });
    first.close();
    const lastEventId = interrupted.lastId()!;
    // while it is away: more failovers and a lifecycle change
    for (let index = 0; index < 3; index++) expect((await send('resume-broken')).status).toBe(200);
    await gateway.grove.admin.models.transition({ id: 'feed-spare', to: 'deprecated' });
    const resumed = subscribeFeed(connect(gateway.adminKey).client, 'events', { lastEventId });
    await resumed.ready;
    expect((await send('resume-broken')).status).toBe(200);
    await gateway.grove.admin.models.transition({ id: 'feed-spare', to: 'active' });
    await waitFor(() => reference.items.filter((item) => item.data.type === 'model.changed').length === 2 && resumed.items.length + interrupted.items.length >= reference.items.length, { what: 'every event on both' });

    expect(resumed.items.some((item) => item.data.type === 'feed.gap')).toBe(false);
    const joined = [...interrupted.items, ...resumed.items].map(({ id, data }) => ({ id, data }));
    expect(joined).toEqual(reference.items.map(({ id, data }) => ({ id, data })));
    expect(new Set(joined.map((item) => item.id)).size).toBe(joined.length);
    // what happened while it was away came first (a failover, the circuit opening, the deprecation), then the live ones
    const sequence = (id: string) => Number(id.split('-')[1]);
    expect(sequence(resumed.items[0]!.id)).toBe(sequence(lastEventId) + 1);
    expect(resumed.items.map((item) => item.data.type)).toEqual(expect.arrayContaining(['failover', 'model.changed']));
    expect(resumed.items.filter((item) => item.data.type === 'model.changed')).toHaveLength(2);
  });

  it('a connection that drops: the tRPC client reconnects by itself and resumes with no gap and no duplicate', async () => {
    await gateway.apply(gatewayModel('drop-broken', 'openai-compatible', await refusedUrl('/v1'), { fallbacks: ['feed-good'] }));
    const proxy = await startTcpProxy(gateway.url);
    try {
      const reference = subscribeFeed(connect(gateway.adminKey).client, 'events');
      const dropping = wsClientFor(proxy.url.replace(/\/$/, ''), gateway.adminKey);
      opened.push(dropping.close);
      const feed = subscribeFeed(dropping.client, 'events');
      await Promise.all([reference.ready, feed.ready]);
      expect((await send('drop-broken')).status).toBe(200);
      await waitFor(() => feed.items.length === 1, { what: 'the first failover' });
      proxy.cut();
      expect((await send('drop-broken')).status).toBe(200);
      await gateway.grove.admin.models.transition({ id: 'feed-spare', to: 'deprecated' });
      proxy.resume();
      await gateway.grove.admin.models.transition({ id: 'feed-spare', to: 'active' });
      await waitFor(() => feed.items.length >= reference.items.length && reference.items.length === 4, { what: 'the resumed feed', timeoutMs: 15_000 });
      expect(feed.items.map(({ id, data }) => ({ id, data }))).toEqual(reference.items.map(({ id, data }) => ({ id, data })));
    } finally {
      await proxy.close();
    }
  });

  it('says the gap is unknown when it cannot resume exactly (an id of another instance or start)', async () => {
    const { client } = connect(gateway.adminKey);
    const feed = subscribeFeed(client, 'events', { lastEventId: 'ffffffffffff-12' });
    await feed.ready;
    await waitFor(() => feed.items.length > 0, { what: 'the gap' });
    expect(feed.items[0]!.data).toMatchObject({ type: 'feed.gap', reason: 'unknown', lastEventId: 'ffffffffffff-12' });
    // then what this instance still holds, in order
    const sequences = feed.items.map((item) => Number(item.id.split('-')[1]));
    expect(sequences).toEqual(sequences.map((_, index) => sequences[0]! + index));
    feed.unsubscribe();
  });

  it('admin and metrics keys may subscribe; an invoke key may not, nor a connection without a valid key', async () => {
    const metricsKey = await gateway.createKey({ scopes: ['metrics'] });
    const allowed = subscribeFeed(connect(metricsKey).client, 'ticks');
    await allowed.ready;
    await waitFor(() => allowed.items.length > 0, { what: 'a tick for the metrics key' });
    allowed.unsubscribe();
    const { client } = connect(gateway.invokeKey);
    expect(await subscribeFeed(client, 'events').ended).toBe('FORBIDDEN');
    expect(await subscribeFeed(client, 'ticks').ended).toBe('FORBIDDEN');
    expect(await outcomeOf(client.metrics.live.query({}))).toBe('FORBIDDEN');
    // a connection that opened with no valid key
    const stranger = connect('grove_not_a_key_0123456789').client;
    expect(await subscribeFeed(stranger, 'events').ended).toBe('UNAUTHORIZED');
    expect(await subscribeFeed(stranger, 'ticks').ended).toBe('UNAUTHORIZED');
  });

  it('revoking the key ends both subscriptions with UNAUTHORIZED at once', async () => {
    const key = await gateway.createKey({ scopes: ['metrics'] });
    const { client } = connect(key);
    const events = subscribeFeed(client, 'events');
    const ticks = subscribeFeed(client, 'ticks');
    await Promise.all([events.ready, ticks.ready]);
    const revokedAt = Date.now();
    await gateway.services.keys.revoke(gateway.services.keys.authenticate(key)!.keyId);
    expect(await events.ended).toBe('UNAUTHORIZED');
    expect(await ticks.ended).toBe('UNAUTHORIZED');
    // the events feed had nothing to send: it did not wait for its next event to end
    expect(Date.now() - revokedAt).toBeLessThan(500);
    expect(await subscribeFeed(client, 'events').ended).toBe('UNAUTHORIZED');
  });
});

describe('live feeds at shutdown', () => {
  it('end at once with "server shutting down", not after the drain deadline', async () => {
    const gateway = await startGateway({ env: { GROVE_SHUTDOWN_DRAIN_MS: '20000' } });
    const connection = wsClientFor(gateway.url, gateway.adminKey);
    try {
      const events = subscribeFeed(connection.client, 'events');
      const ticks = subscribeFeed(connection.client, 'ticks');
      await Promise.all([events.ready, ticks.ready]);
      const closingAt = Date.now();
      const closed = gateway.close();
      expect(await events.ended).toBe('SERVICE_UNAVAILABLE');
      expect(await ticks.ended).toBe('SERVICE_UNAVAILABLE');
      await closed;
      expect(Date.now() - closingAt).toBeLessThan(5_000);
    } finally {
      connection.close();
    }
  });
});
