import { z } from 'zod';
import { percentilesSchema, totalsSchema } from './metrics';
import { ALERT_METRICS } from './alerts';

/**
 * What the live subscriptions send over ws: `metrics.liveFeed` (a tick each second) and
 * `events.feed` (failovers, circuits, lifecycle and policy changes, alerts). Each item is sent as
 * tRPC's `tracked(id, item)`: the tRPC client remembers the last id and sends it back as
 * `lastEventId` when it resubscribes, and the server resumes after it with no gap and no duplicate
 * while that id is still in its buffer. Times are ISO 8601 UTC.
 */

/** Both feeds: `lastEventId` is filled in by the tRPC client on reconnect; `recent` asks a fresh subscription for the newest buffered items first. */
export const feedInputSchema = z
  .object({
    lastEventId: z.string().max(200).nullish().describe('resume after this id (the tRPC client sends it when it reconnects)'),
    recent: z.number().int().min(0).max(3_600).default(0).describe('without lastEventId: start with up to this many of the newest buffered items'),
  })
  .default({ recent: 0 });

/**
 * Sent first when the feed cannot resume exactly after `lastEventId`: the id fell out of the
 * buffer (`evicted`), or it comes from another instance, an earlier start of this one, or is not
 * an id this server gave (`unknown`). What came between is not known; what follows is complete.
 */
export const feedGapSchema = z.object({
  type: z.literal('feed.gap'),
  at: z.string(),
  lastEventId: z.string(),
  reason: z.enum(['evicted', 'unknown']),
  message: z.string(),
});

const liveFiguresSchema = totalsSchema.extend({ latencyMs: percentilesSchema, ttftMs: percentilesSchema });

/** The figures of the second [second, second + 1 s), overall and per model that served in it. */
export const liveTickSchema = z.object({
  type: z.literal('metrics.tick'),
  at: z.string(),
  second: z.string(),
  /** how many Grove instances of the fleet this second's figures hold (1 on the embedded database) */
  instances: z.number().int().positive(),
  overall: liveFiguresSchema,
  models: z.array(liveFiguresSchema.extend({ modelId: z.string() })),
});

const at = z.string();
// value: null when the rule's window had no request to take a figure from; peerInstance: the
// instance on the same database whose traffic fired it (absent: the answering instance's own)
const alertFields = { at, alertId: z.string(), metric: z.enum(ALERT_METRICS), modelId: z.string().optional(), value: z.number().nullable(), threshold: z.number(), peerInstance: z.string().optional() };

// peerInstance: on a fleet (several instances on one PostgreSQL), the instance it happened on when
// that is not the answering one (server/fleet/event-sync.ts)
const peerInstance = z.string().optional();

export const feedEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('failover'), at, requestId: z.string(), from: z.string(), to: z.string(), reason: z.string(), peerInstance }),
  z.object({ type: z.literal('circuit.changed'), at, modelId: z.string(), from: z.string(), to: z.string(), reason: z.string(), peerInstance }),
  z.object({
    type: z.literal('model.changed'),
    at,
    modelId: z.string(),
    action: z.string(),
    revision: z.number(),
    actorKeyId: z.string(),
    lifecycle: z.object({ from: z.string().nullable(), to: z.string().nullable() }).optional(),
    peerInstance,
  }),
  z.object({ type: z.literal('policy.changed'), at, policyId: z.string(), action: z.string(), revision: z.number(), actorKeyId: z.string(), peerInstance }),
  z.object({ type: z.literal('alert.fired'), ...alertFields }),
  z.object({ type: z.literal('alert.resolved'), ...alertFields }),
]);

export const liveFeedItemSchema = z.discriminatedUnion('type', [liveTickSchema, feedGapSchema]);
export const eventsFeedItemSchema = z.union([feedEventSchema, feedGapSchema]);

export type FeedInput = z.infer<typeof feedInputSchema>;
export type FeedGap = z.infer<typeof feedGapSchema>;
export type LiveTick = z.infer<typeof liveTickSchema>;
export type FeedEvent = z.infer<typeof feedEventSchema>;
export type LiveFeedItem = z.infer<typeof liveFeedItemSchema>;
export type EventsFeedItem = z.infer<typeof eventsFeedItemSchema>;
