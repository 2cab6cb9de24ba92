import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client';
import { EventBus, type MetricsTick } from '../../server/events';
import { encodeLiveSecond, LIVE_PEER_TTL_MS, MAX_PAYLOAD_BYTES, parseLiveSecond, PeerSeconds, type LiveSecondMessage } from '../../server/fleet/live-seconds';
import { createLogger } from '../../server/logger';
import { MetricsAggregator } from '../../server/telemetry/aggregator';
import { Telemetry } from '../../server/telemetry/telemetry';
import { completed, seededRandom } from '../telemetry/requests';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const SECOND = T0 / 1000;

/** Requests in one second, spread over `models`, latencies drawn from a wide distribution. */
function traffic(count: number, models: number, seed = 1) {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const latencyMs = 5 + 4_000 * random() ** 3;
    // completed within SECOND
    return completed({
      at: T0 + Math.floor(random() * 1000) - latencyMs,
      latencyMs,
      ttftMs: index % 2 === 0 ? 1 + 300 * random() : undefined,
      servedModel: `model-${index % models}`,
      promptTokens: 10 + index,
      completionTokens: 3 + (index % 7),
      costUsd: 0.0001 * (1 + (index % 5)),
    });
  });
}

/** What an instance that counted `requests` publishes for SECOND. */
function published(instance: string, requests: ReturnType<typeof traffic>): string[] {
  const counted = new MetricsAggregator();
  for (const request of requests) counted.recordRequest(request);
  return encodeLiveSecond(instance, SECOND, counted.ownSecond(SECOND));
}

/** A receiver's figures of SECOND once it took every payload as a peer's. */
function received(payloads: string[]) {
  const receiver = new MetricsAggregator();
  for (const payload of payloads) {
    const message = parseLiveSecond(payload)!;
    expect(message).toBeDefined();
    for (const { modelId, ...part } of message.models) receiver.recordPeerSecond(modelId, message.second, part);
  }
  return receiver.tick(SECOND, T0 + 1_020);
}

describe('a second as the fleet publishes it', () => {
  it('arrives as the sender counted it: every count, and percentiles from the same histograms', () => {
    const requests = traffic(500, 4);
    const sender = new MetricsAggregator();
    for (const request of requests) sender.recordRequest(request);
    const payloads = published('a1', requests);
    expect(payloads).toHaveLength(1);
    const tick = received(payloads);
    const own = sender.tick(SECOND, T0 + 1_020);
    expect(tick.overall).toEqual(own.overall);
    expect(tick.models).toEqual(own.models);
    expect(tick.overall.requests).toBe(500);
  });

  it('splits a busy second into parts under PostgreSQL\'s NOTIFY limit, and the parts add up to the whole', () => {
    const requests = traffic(20_000, 150, 2);
    const sender = new MetricsAggregator();
    for (const request of requests) sender.recordRequest(request);
    const payloads = published('a1', requests);
    expect(payloads.length).toBeGreaterThan(5);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(MAX_PAYLOAD_BYTES);
    const parts = payloads.map((payload) => parseLiveSecond(payload)!);
    expect(parts.map((part) => part.part)).toEqual(parts.map((_, index) => index));
    expect(new Set(parts.map((part) => part.parts))).toEqual(new Set([payloads.length]));
    expect(received(payloads)).toEqual(sender.tick(SECOND, T0 + 1_020));
  });

  it('splits even one model whose histograms alone are larger than a notice', () => {
    const requests = traffic(30_000, 1, 3);
    const sender = new MetricsAggregator();
    for (const request of requests) sender.recordRequest(request);
    const [model] = sender.ownSecond(SECOND);
    expect(JSON.stringify(model).length).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    const payloads = published('a1', requests);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(received(payloads)).toEqual(sender.tick(SECOND, T0 + 1_020));
  });

  it('an idle second is one part with no models: it still tells the peers the second is over', () => {
    expect(encodeLiveSecond('a1', SECOND, []).map((payload) => parseLiveSecond(payload))).toEqual([{ instance: 'a1', second: SECOND, part: 0, parts: 1, models: [] }]);
  });

  it('an instance\'s own notice, which it hears too, is not a peer\'s', () => {
    const [payload] = encodeLiveSecond('a1', SECOND, []);
    expect(parseLiveSecond(payload!, 'a1')).toBeUndefined();
    expect(parseLiveSecond(payload!, 'b2')).toMatchObject({ instance: 'a1', second: SECOND });
  });

  it.each([
    ['not JSON', 'a1 42'],
    ['another message', JSON.stringify({ instance: 'a1', at: 1, firing: [], transitions: [] })],
    ['a part past the last', JSON.stringify({ instance: 'a1', second: SECOND, part: 2, parts: 2, models: [] })],
    ['odd histogram pairs', JSON.stringify({ instance: 'a1', second: SECOND, part: 0, parts: 1, models: [{ modelId: 'm', requests: 1, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latency: [1000] }] })],
    ['a negative count', JSON.stringify({ instance: 'a1', second: SECOND, part: 0, parts: 1, models: [{ modelId: 'm', requests: -1, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }] })],
    ['a fractional histogram value', JSON.stringify({ instance: 'a1', second: SECOND, part: 0, parts: 1, models: [{ modelId: 'm', requests: 1, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latency: [10.5, 1] }] })],
  ])('is not taken from a notice that is %s', (_, payload) => {
    expect(parseLiveSecond(payload)).toBeUndefined();
  });
});

describe('which peers a second waits for', () => {
  const message = (instance: string, second: number, part = 0, parts = 1): LiveSecondMessage => ({ instance, second, part, parts, models: [] });

  it('waits for every live peer until the last part of the second came, and for none that went silent', () => {
    const peers = new PeerSeconds();
    const now = T0 + 1_020;
    expect(peers.complete(SECOND, now)).toBe(true);
    peers.receive(message('b', SECOND - 1), now - 1_000);
    peers.receive(message('c', SECOND - 1), now - 1_000);
    expect(peers.complete(SECOND, now)).toBe(false);
    peers.receive(message('b', SECOND, 0, 2), now);
    peers.receive(message('c', SECOND), now);
    // b sent the first of its two parts only
    expect(peers.complete(SECOND, now)).toBe(false);
    peers.receive(message('b', SECOND, 1, 2), now + 5);
    expect(peers.complete(SECOND, now + 5)).toBe(true);
    expect(peers.reportersOf(SECOND)).toBe(2);
    expect(peers.reportersOf(SECOND + 1)).toBe(0);

    // a part of a later second stands for the end of this one (what was lost is not waited for)
    peers.receive(message('b', SECOND + 2, 0, 3), now + 2_000);
    expect(peers.complete(SECOND + 1, now + 2_000)).toBe(false); // c owes it
    // c falls silent: past the TTL it is no longer waited for, nor counted live
    expect(peers.complete(SECOND + 1, now + LIVE_PEER_TTL_MS + 1)).toBe(true);
    expect(peers.live(now + LIVE_PEER_TTL_MS + 1)).toBe(1);
  });
});

describe('ticks of a fleet', () => {
  let database: DatabaseHandle;
  let telemetry: Telemetry;
  let ticks: MetricsTick[];
  const publishedSeconds: Array<{ second: number; requests: number }> = [];

  beforeAll(async () => {
    database = await openDatabase({});
    const events = new EventBus();
    ticks = [];
    events.on((event) => {
      if (event.type === 'metrics.tick') ticks.push(event);
    });
    telemetry = new Telemetry(database, events, createLogger('silent'), { enabled: true, metricsDays: 30, requestLogDays: 30, bufferRows: 1_000, instanceId: 'a1', now: () => T0 });
    telemetry.shareSeconds({ publish: (second, models) => publishedSeconds.push({ second, requests: models.reduce((sum, model) => sum + model.requests, 0) }) });
  });
  afterAll(async () => {
    await telemetry?.close();
    await database?.close();
  });

  it('publishes each second counted here, and ticks it with the peers\' figures once every live peer sent it', () => {
    const peerRequests = traffic(40, 2, 5);
    const peer = (second: number, requests = peerRequests) => {
      const counted = new MetricsAggregator();
      for (const request of requests) counted.recordRequest({ ...request, at: request.at + (second - SECOND) * 1000 });
      return encodeLiveSecond('b2', second, counted.ownSecond(second)).map((payload) => parseLiveSecond(payload)!);
    };
    // the peer is known from an earlier second
    for (const part of peer(SECOND - 1, [])) telemetry.receivePeerSecond(part, T0 - 10);
    for (let index = 0; index < 10; index++) telemetry.aggregator.recordRequest(completed({ at: T0 + 100 + index, latencyMs: 20 }));

    telemetry.tick(T0 + 1_020);
    expect(publishedSeconds.at(-1)).toEqual({ second: SECOND, requests: 10 });
    // the peer has not sent SECOND yet: its tick waits
    expect(ticks.filter((tick) => tick.second === T0)).toEqual([]);
    for (const part of peer(SECOND)) telemetry.receivePeerSecond(part, T0 + 1_030);
    const [tick] = ticks.filter((tick) => tick.second === T0);
    expect(tick).toMatchObject({ instances: 2, overall: { requests: 50 } });
    expect(tick!.models.map((model) => [model.modelId, model.requests])).toEqual([['model-0', 20], ['model-1', 20], ['model-a', 10]]);
  });

  it('a peer that does not send a second holds its tick back two seconds at most, then it goes out with what came', () => {
    telemetry.tick(T0 + 2_020);
    telemetry.tick(T0 + 3_020);
    expect(ticks.filter((tick) => tick.second === T0 + 1_000)).toEqual([]);
    telemetry.tick(T0 + 4_020);
    expect(ticks.filter((tick) => tick.second === T0 + 1_000)).toMatchObject([{ instances: 1 }]);
    // and in order, each once
    const seconds = ticks.map((tick) => tick.second);
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(new Set(seconds).size).toBe(seconds.length);
    // past its TTL the silent peer is no longer waited for at all
    telemetry.tick(T0 + 5_020 + LIVE_PEER_TTL_MS);
    expect(ticks.at(-1)!.second).toBe(T0 + 4_000 + LIVE_PEER_TTL_MS);
  });
});
