import { eventsFeedItemSchema, feedInputSchema } from '../../shared/feeds';
import { followFeed } from '../feeds/follow-feed';
import { trackedItems } from '../feeds/tracked-output';
import { metricsProcedure, router } from '../trpc';

/**
 * What happened, as it happens: failovers, circuit changes, model lifecycle and policy changes,
 * alerts fired and resolved, each as `tracked(id, event)`. A client that reconnects resumes after
 * the last id it saw (the tRPC client sends it), from a buffer of the last 1,000 events of this
 * instance. Readable by the keys that read figures (admin or `metrics`).
 */
export const eventsRouter = router({
  feed: metricsProcedure
    .input(feedInputSchema)
    .output(trackedItems(eventsFeedItemSchema))
    .subscription(({ ctx, input, signal }) => followFeed(ctx, ctx.services.feeds.events, input, signal)),
});
