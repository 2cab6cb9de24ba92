import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../shared/feeds';
import { encodeEvents, EventSharing, parseEvents } from '../../server/fleet/event-sync';
import { EVENTS_FEED_CAPACITY } from '../../server/feeds/live-feeds';
import { createLogger } from '../../server/logger';

const at = Date.parse('2026-12-07T06:00:00Z');
const failover = (index: number) => ({ type: 'failover' as const, at: at + index, requestId: `chatcmpl-${index}`, from: 'model-a', to: 'model-b', reason: 'upstream answered 503' });

describe('a fleet\'s events as its instances tell each other', () => {
  it('go in payloads under NOTIFY\'s bound, in order, each once', () => {
    const events: FeedEvent[] = Array.from({ length: 300 }, (_, index) => ({ ...failover(index), at: new Date(at + index).toISOString() }));
    const payloads = encodeEvents('a1', events);
    expect(payloads.length).toBeGreaterThan(3);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(7_900);
    expect(payloads.flatMap((payload) => parseEvents(payload)!.events)).toEqual(events);
  });

  it('leave out an event too large for a notice, and refuse what is not such a message', () => {
    const huge: FeedEvent = { type: 'failover', at: new Date(at).toISOString(), requestId: 'r', from: 'a', to: 'b', reason: 'x'.repeat(9_000) };
    const small: FeedEvent = { type: 'failover', at: new Date(at).toISOString(), requestId: 'r2', from: 'a', to: 'b', reason: 'timeout' };
    expect(encodeEvents('a1', [huge, small]).map((payload) => parseEvents(payload)!.events)).toEqual([[small]]);
    expect(parseEvents('not json')).toBeUndefined();
    // an instance hears its own notices: they are not its peers' events
    expect(parseEvents(encodeEvents('a1', [small])[0]!, 'a1')).toBeUndefined();
    expect(parseEvents(encodeEvents('a1', [small])[0]!, 'b2')?.events).toEqual([small]);
    expect(parseEvents(JSON.stringify({ instance: 'a1', events: [{ type: 'failover', at: 'x' }] }))).toBeUndefined();
    expect(parseEvents(JSON.stringify({ instance: 'a1', at: 1, firing: [], transitions: [] }))).toBeUndefined();
  });

  it('are sent in batches, the newest a feed can hold, after the batch before', async () => {
    const sent: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // the database answers the first notice only once released
    const notify = async (channel: string, payload: string) => {
      expect(channel).toBe('grove_events');
      if (sent.length === 0) await held;
      sent.push(payload);
    };
    const sharing = new EventSharing(notify, 'a1', createLogger('silent'));
    for (let index = 0; index < EVENTS_FEED_CAPACITY + 500; index++) sharing.share(failover(index));
    const first = sharing.flush();
    sharing.share(failover(99_999));
    const second = sharing.flush();
    release();
    await Promise.all([first, second]);
    const ids = sent.flatMap((payload) => parseEvents(payload)!.events.map((event) => (event as { requestId: string }).requestId));
    expect(ids).toHaveLength(EVENTS_FEED_CAPACITY + 1);
    expect(ids[0]).toBe('chatcmpl-500');
    expect(ids.at(-1)).toBe('chatcmpl-99999');
    // stopped: nothing more is taken
    await sharing.stop();
    sharing.share(failover(1));
    await sharing.flush();
    expect(sent.flatMap((payload) => parseEvents(payload)!.events)).toHaveLength(EVENTS_FEED_CAPACITY + 1);
  });
});
