import { z } from 'zod';

/** What crosses the wire for the metrics queries (tRPC `metrics.*`, REST /api/v1/metrics…). */

export const METRIC_RANGES = ['15m', '1h', '24h', '7d'] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];
export const GROUP_BYS = ['model', 'key', 'day'] as const;

/** A range, as a preset ending now or as `from`/`to` (ISO 8601 with an offset), and a reporting time zone. */
export const rangeInputSchema = z.object({
  range: z.enum(METRIC_RANGES).optional().describe('a preset ending now (default 1h); or give from/to'),
  from: z.iso.datetime({ offset: true }).optional().describe('ISO 8601 start, with an offset (2026-03-01T00:00:00+01:00)'),
  to: z.iso.datetime({ offset: true }).optional().describe('ISO 8601 end (default now)'),
  timezone: z.string().min(1).max(64).default('UTC').describe('IANA time zone of the report (days, echoed times)'),
  model: z.string().min(1).max(200).optional().describe('only this model'),
});
export type RangeInput = z.input<typeof rangeInputSchema>;

export const summaryInputSchema = rangeInputSchema.extend({ groupBy: z.enum(GROUP_BYS).optional() });
export const topFailingInputSchema = rangeInputSchema.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) });
export const liveInputSchema = z
  .object({
    seconds: z.coerce.number().int().min(1).max(60).default(10),
    // 'completed' ends at the last whole second: a poller then never reads a second still filling
    until: z.enum(['now', 'completed']).default('now').describe("'now' includes the current second; 'completed' ends at the last whole one"),
  })
  .default({ seconds: 10, until: 'now' });

/** The range a query answered for: snapped outward to whole steps, in the reporting zone's offset. */
export const rangeEchoSchema = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  /** the bucket the range is counted in: 60 up to 6 hours, else 900 (every day boundary of every zone is an edge) */
  stepSeconds: z.number(),
});

export const totalsSchema = z.object({
  requests: z.number(),
  errors: z.number(),
  failovers: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
});

/** In ms; null where no request was measured. Within 1% of the true percentile of the range. */
export const percentilesSchema = z.object({ p50: z.number(), p95: z.number(), p99: z.number() }).nullable();

const latencyFields = { latencyMs: percentilesSchema, ttftMs: percentilesSchema };

export const summaryOutputSchema = z.object({
  range: rangeEchoSchema,
  totals: totalsSchema,
  ...latencyFields,
  groupBy: z.enum(GROUP_BYS).optional(),
  /** a model id, a key id, or a local date (YYYY-MM-DD) with its part of the range */
  groups: z.array(totalsSchema.extend({ key: z.string(), from: z.string().optional(), to: z.string().optional(), ...latencyFields })).optional(),
});

export const seriesPointSchema = totalsSchema.extend({ start: z.string(), ...latencyFields });
export const seriesOutputSchema = z.object({
  range: rangeEchoSchema,
  overall: z.array(seriesPointSchema),
  models: z.array(z.object({ modelId: z.string(), points: z.array(seriesPointSchema) })),
});

export const topFailingOutputSchema = z.object({
  range: rangeEchoSchema,
  items: z.array(z.object({ modelId: z.string(), requests: z.number(), errors: z.number(), errorRate: z.number() })),
});

const usageFields = { requests: z.number(), inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() };
export const usageOutputSchema = z.object({
  range: rangeEchoSchema,
  totals: totalsSchema,
  byModel: z.array(z.object({ modelId: z.string(), ...usageFields })),
  byKey: z.array(z.object({ keyId: z.string(), ...usageFields })),
});

export const latencyOutputSchema = z.object({
  range: rangeEchoSchema,
  overall: z.object({ requests: z.number(), ...latencyFields }),
  models: z.array(z.object({ modelId: z.string(), requests: z.number(), ...latencyFields })),
});

const liveFiguresSchema = totalsSchema.extend(latencyFields);
export const liveOutputSchema = z.object({
  /** [from, to): the seconds covered, ISO 8601 UTC */
  from: z.string(),
  to: z.string(),
  /** how many Grove instances' figures this holds: the answering one and the live peers (1 on the embedded database) */
  instances: z.number().int().positive(),
  overall: liveFiguresSchema,
  models: z.array(liveFiguresSchema.extend({ modelId: z.string() })),
});

export type RangeEcho = z.infer<typeof rangeEchoSchema>;
export type Totals = z.infer<typeof totalsSchema>;
export type SummaryOutput = z.infer<typeof summaryOutputSchema>;
export type SeriesOutput = z.infer<typeof seriesOutputSchema>;
