import { z } from 'zod';
import { rangeEchoSchema } from './metrics';

/**
 * What the Monitoring page reads besides the metrics series: the latency distribution per time
 * bucket (`metrics.latencyHeatmap`) and the failover timeline (`metrics.timeline`).
 */

/**
 * The edges of the latency bands, in ms: log-spaced, 1-2-5 per decade, from 0 to 100 s. Band i is
 * [edge i, edge i+1); the last is [100 s, ∞). Fixed, so that two answers (two models, two ranges)
 * compare band for band.
 */
export const LATENCY_BAND_EDGES_MS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000] as const;

export const latencyHeatmapOutputSchema = z.object({
  range: rangeEchoSchema,
  /** `toMs` null: the last band has no upper edge */
  bands: z.array(z.object({ fromMs: z.number(), toMs: z.number().nullable() })),
  /** one per step of the range, empty ones included; `counts[i]` requests whose latency fell in band i */
  buckets: z.array(z.object({ start: z.string(), requests: z.number(), counts: z.array(z.number()) })),
  /** every request the range covers: the same total as metrics.summary's */
  requests: z.number(),
});

export const CIRCUIT_STATES = ['closed', 'half-open', 'open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

const circuitChangeSchema = z.object({ at: z.string(), from: z.string(), to: z.string(), reason: z.string(), instanceId: z.string() });

export const timelineOutputSchema = z.object({
  range: rangeEchoSchema,
  /** the models with a circuit change in or before the range (others were closed throughout) */
  models: z.array(
    z.object({
      modelId: z.string(),
      /** the state at the range's start, from the last change before it; null: none recorded (a breaker starts closed) */
      initial: z.string().nullable(),
      changes: z.array(circuitChangeSchema),
    }),
  ),
  /** revisions of Models and RoutingPolicies in the range, oldest first */
  configChanges: z.array(z.object({ at: z.string(), kind: z.string(), objectId: z.string(), revision: z.number(), action: z.string(), actor: z.string() })),
  /** true when the range held more config changes than are listed (the newest are left out) */
  configTruncated: z.boolean(),
});

export type LatencyHeatmapOutput = z.infer<typeof latencyHeatmapOutputSchema>;
export type TimelineOutput = z.infer<typeof timelineOutputSchema>;
