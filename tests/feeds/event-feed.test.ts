import { describe, expect, it } from 'vitest';
import { EventBus } from '../../server/events';
import { EventFeed, type FollowOptions } from '../../server/feeds/event-feed';
import { LiveFeeds } from '../../server/feeds/live-feeds';
import { createLogger } from '../../server/logger';
import { wireEvents } from '../../server/telemetry/wire-events';

type Item = { id: string; data: unknown };

/** Follows a feed, collecting what it yields, until `stop`. */
function follower(feed: EventFeed<number>, options: FollowOptions = {}) {
  const controller = new AbortController();
  const items: Item[] = [];
  const done = (async () => {
    for await (const [id, data] of feed.follow(options, controller.signal)) items.push({ id, data });
  })();
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    items,
    values: () => items.map((item) => item.data),
    lastId: () => items.at(-1)!.id,
    settle,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

/** a tracked envelope's id and item (its third element is tRPC's marker) */
const idAndData = (step: IteratorResult<readonly unknown[], void>) => step.value?.slice(0, 2);

function publish(feed: EventFeed<number>, ...values: number[]) {
  for (const value of values) feed.publish(value);
}

describe('EventFeed', () => {
  it('a fresh follower gets what is published from now on, or the newest few it asks for first', async () => {
    const feed = new EventFeed<number>('a1', 10);
    publish(feed, 1, 2, 3);
    const live = follower(feed);
    const recent = follower(feed, { recent: 2 });
    const tooMany = follower(feed, { recent: 50 });
    await live.settle();
    publish(feed, 4);
    await live.settle();
    expect(live.values()).toEqual([4]);
    expect(recent.values()).toEqual([2, 3, 4]);
    expect(tooMany.values()).toEqual([1, 2, 3, 4]);
    expect(live.items[0]!.id).toBe('a1-4');
    await Promise.all([live.stop(), recent.stop(), tooMany.stop()]);
  });

  it('resumes after lastEventId: everything missed, once, in order, then live', async () => {
    const feed = new EventFeed<number>('a1', 10);
    const first = follower(feed);
    await first.settle();
    publish(feed, 1, 2);
    await first.settle();
    await first.stop();
    publish(feed, 3, 4, 5);
    const resumed = follower(feed, { lastEventId: first.lastId() });
    await resumed.settle();
    publish(feed, 6);
    await resumed.settle();
    expect([...first.values(), ...resumed.values()]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(resumed.items.map((item) => item.id)).toEqual(['a1-3', 'a1-4', 'a1-5', 'a1-6']);
    await resumed.stop();
  });

  it('says so when the id fell out of the buffer, then gives all it still holds', async () => {
    const feed = new EventFeed<number>('a1', 3, () => Date.UTC(2026, 0, 1));
    publish(feed, 1);
    const lastEventId = feed.lastId;
    publish(feed, 2, 3, 4, 5);
    const resumed = follower(feed, { lastEventId });
    await resumed.settle();
    expect(resumed.items[0]).toEqual({ id: 'a1-2', data: expect.objectContaining({ type: 'feed.gap', reason: 'evicted', lastEventId: 'a1-1', at: '2026-01-01T00:00:00.000Z' }) });
    expect(resumed.values().slice(1)).toEqual([3, 4, 5]);
    await resumed.stop();
    // the oldest item still held: no gap
    const exact = follower(feed, { lastEventId: 'a1-2' });
    await exact.settle();
    expect(exact.values()).toEqual([3, 4, 5]);
    await exact.stop();
  });

  it('treats an id from another instance, an earlier start, the future or no id at all as unknown', async () => {
    const feed = new EventFeed<number>('a1', 5);
    publish(feed, 1, 2);
    for (const lastEventId of ['b2-1', 'a1-9', 'a1-x', 'garbage', '']) {
      const resumed = follower(feed, { lastEventId });
      await resumed.settle();
      expect(resumed.items[0]).toMatchObject({ id: 'a1-0', data: { type: 'feed.gap', reason: 'unknown', lastEventId } });
      expect(resumed.values().slice(1)).toEqual([1, 2]);
      await resumed.stop();
    }
  });

  it('a follower lapped while busy is told it missed some, instead of reading overwritten items', async () => {
    const feed = new EventFeed<number>('a1', 3);
    const controller = new AbortController();
    const iterator = feed.follow({}, controller.signal);
    const pending = iterator.next();
    publish(feed, 1);
    expect(idAndData(await pending)).toEqual(['a1-1', 1]);
    // the consumer is slow: four more arrive before it asks again
    publish(feed, 2, 3, 4, 5);
    expect(idAndData(await iterator.next())).toEqual(['a1-2', expect.objectContaining({ type: 'feed.gap', reason: 'evicted', lastEventId: 'a1-1' })]);
    expect(idAndData(await iterator.next())).toEqual(['a1-3', 3]);
    controller.abort();
  });

  it('ends when its signal aborts, also while it waits for the next item', async () => {
    const feed = new EventFeed<number>('a1', 3);
    const controller = new AbortController();
    const iterator = feed.follow({}, controller.signal);
    const pending = iterator.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});

describe('the feeds as the bus fills them', () => {
  it('carries failovers, circuits, object changes and alerts in wire form; not attempts, requests or ticks into the events feed', async () => {
    const bus = new EventBus();
    const feeds = new LiveFeeds('f1');
    wireEvents(bus, { logger: createLogger('silent'), requestLog: { enqueue: () => {} }, feeds }, () => {});
    const controller = new AbortController();
    const at = Date.UTC(2026, 0, 1);
    bus.emit({ type: 'attempt.failed', at, requestId: 'r1', modelId: 'a', provider: 'simulated', errorKind: 'timeout', latencyMs: 5, failsOver: true });
    bus.emit({ type: 'failover', at, requestId: 'r1', from: 'a', to: 'b', reason: 'timeout' });
    bus.emit({ type: 'circuit.changed', at, modelId: 'a', from: 'closed', to: 'open', reason: '3 consecutive failures' });
    bus.emit({ type: 'policy.changed', at, policyId: 'default', action: 'update', revision: 2, actorKeyId: 'key_1' });
    bus.emit({ type: 'alert.fired', at, alertId: 'errors', metric: 'error_rate', modelId: 'a', value: 0.5, threshold: 0.2 });
    bus.emit({ type: 'alert.resolved', at, alertId: 'errors', metric: 'error_rate', value: 0.1, threshold: 0.2 });
    bus.emit({ type: 'metrics.tick', at, second: at - 1_000, instances: 1, overall: { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null }, models: [] });
    const events: unknown[] = [];
    const iterator = feeds.events.follow({ recent: 100 }, controller.signal);
    for (let index = 0; index < 5; index++) events.push((await iterator.next()).value![1]);
    controller.abort();
    expect(events.map((event) => (event as { type: string }).type)).toEqual(['failover', 'circuit.changed', 'policy.changed', 'alert.fired', 'alert.resolved']);
    expect(events[0]).toEqual({ type: 'failover', at: '2026-01-01T00:00:00.000Z', requestId: 'r1', from: 'a', to: 'b', reason: 'timeout' });
    expect(feeds.events.lastId).toBe('f1-5');
    expect(feeds.ticks.lastId).toBe('f1-1');
  });
});
