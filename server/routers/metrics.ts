import {
  latencyOutputSchema,
  liveInputSchema,
  liveOutputSchema,
  rangeInputSchema,
  seriesOutputSchema,
  summaryInputSchema,
  summaryOutputSchema,
  topFailingInputSchema,
  topFailingOutputSchema,
  usageOutputSchema,
} from '../../shared/metrics';
import { feedInputSchema, liveFeedItemSchema } from '../../shared/feeds';
import { latencyHeatmapOutputSchema, timelineOutputSchema } from '../../shared/monitoring';
import { followFeed } from '../feeds/follow-feed';
import { trackedItems } from '../feeds/tracked-output';
import { metricsProcedure, router } from '../trpc';

/**
 * Figures over a range (rollups stored and still in memory) and live (the last seconds). Every
 * answer echoes its range and time zone; live figures are sent with `cache-control: no-store`
 * (server/app.ts), on /trpc and /api alike.
 */
export const metricsRouter = router({
  summary: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics', tags: ['metrics'], protect: true, summary: 'Totals and latency percentiles over a range, optionally grouped by model, key or day' } })
    .input(summaryInputSchema)
    .output(summaryOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.summary(input)),

  series: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/series', tags: ['metrics'], protect: true, summary: 'Per-step figures over a range, overall and per model (for charts)' } })
    .input(rangeInputSchema)
    .output(seriesOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.series(input)),

  topFailing: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/top-failing', tags: ['metrics'], protect: true, summary: 'The models with the most errors over a range' } })
    .input(topFailingInputSchema)
    .output(topFailingOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.topFailing(input)),

  usage: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/usage', tags: ['metrics'], protect: true, summary: 'Cost and tokens by model and by key over a range' } })
    .input(rangeInputSchema)
    .output(usageOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.usage(input)),

  latency: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/latency', tags: ['metrics'], protect: true, summary: 'Latency and time-to-first-token percentiles over a range, overall and per model' } })
    .input(rangeInputSchema)
    .output(latencyOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.latency(input)),

  latencyHeatmap: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/latency-heatmap', tags: ['metrics'], protect: true, summary: 'Per step, the requests in each latency band (log-spaced): the whole latency distribution over a range' } })
    .input(rangeInputSchema)
    .output(latencyHeatmapOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.latencyHeatmap(input)),

  timeline: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/timeline', tags: ['metrics'], protect: true, summary: 'Circuit changes per model over a range, with the state each started in, and the Model and RoutingPolicy revisions made in it' } })
    .input(rangeInputSchema)
    .output(timelineOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.timeline(input)),

  live: metricsProcedure
    .meta({ openapi: { method: 'GET', path: '/v1/metrics/live', tags: ['metrics'], protect: true, summary: 'The last seconds, per model and overall (no database involved)' } })
    .input(liveInputSchema)
    .output(liveOutputSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.live(input)),

  /**
   * The live figures pushed over ws: each second, a tick with that second's figures, overall and
   * per model (`metrics.live` above is the same window asked for once, also over REST). Ticks are
   * tracked: a client that reconnects within a minute gets the ones it missed.
   */
  liveFeed: metricsProcedure
    .input(feedInputSchema)
    .output(trackedItems(liveFeedItemSchema))
    .subscription(({ ctx, input, signal }) => followFeed(ctx, ctx.services.feeds.ticks, input, signal)),
});
