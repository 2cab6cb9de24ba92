import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { SubscriptionDrain } from '../../server/subscription-drain';
import { waitFor } from '../support/wait-for';

/** Yields `count` numbers, each once `release` is called. */
function paced(count: number) {
  const waiting: Array<() => void> = [];
  let started = false;
  async function* numbers() {
    started = true;
    for (let index = 0; index < count; index += 1) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      yield index;
    }
  }
  return { source: numbers(), release: () => waiting.shift()?.(), started: () => started, pending: () => waiting.length };
}

describe('SubscriptionDrain', () => {
  it('lets a running subscription finish before the deadline', async () => {
    const drain = new SubscriptionDrain();
    const { source, release, pending } = paced(2);
    const events = drain.track(source);
    const first = events.next();
    await waitFor(() => pending() === 1);
    const closed = drain.close(60_000);
    release();
    expect(await first).toEqual({ value: 0, done: false });
    const second = events.next();
    await waitFor(() => pending() === 1);
    release();
    expect(await second).toEqual({ value: 1, done: false });
    expect(await events.next()).toEqual({ value: undefined, done: true });
    expect(await closed).toEqual({ finished: 1, ended: 0 });
  });

  it('ends one that outlasts the deadline with SERVICE_UNAVAILABLE "server shutting down", and cancels its work', async () => {
    const drain = new SubscriptionDrain();
    const { source, pending } = paced(5);
    let cancelled = false;
    const events = drain.track(source, () => (cancelled = true));
    const first = events.next();
    await waitFor(() => pending() === 1);
    const closed = drain.close(10);
    const error = await first.then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/server shutting down/) });
    expect(cancelled).toBe(true);
    expect(await closed).toEqual({ finished: 0, ended: 1 });
  });

  it('ends an endless one (a feed) at once, while a finite one still has until the deadline', async () => {
    const drain = new SubscriptionDrain();
    const feed = paced(1_000);
    const stream = paced(1);
    let feedCancelled = false;
    const feedEvents = drain.track(feed.source, () => (feedCancelled = true), { endless: true });
    const streamEvents = drain.track(stream.source);
    const feedStep = feedEvents.next();
    const streamStep = streamEvents.next();
    await waitFor(() => feed.pending() === 1 && stream.pending() === 1);
    const closed = drain.close(60_000);
    await expect(feedStep).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(feedCancelled).toBe(true);
    stream.release();
    expect(await streamStep).toEqual({ value: 0, done: false });
    expect(await streamEvents.next()).toEqual({ value: undefined, done: true });
    expect(await closed).toEqual({ finished: 1, ended: 1 });
  });

  it('refuses new subscriptions once closing, without starting them', async () => {
    const drain = new SubscriptionDrain();
    await drain.close(0);
    const { source, started } = paced(1);
    await expect(drain.track(source).next()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(started()).toBe(false);
  });
});
