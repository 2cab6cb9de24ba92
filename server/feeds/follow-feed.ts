import type { Principal } from '../auth/keys';
import type { Services } from '../services';
import type { EventFeed, FollowOptions } from './event-feed';

/**
 * A subscription that follows a feed until the client stops it or goes away (`signal`), its key is
 * revoked, or the server shuts down. Each of these wakes the follower at once, so nothing waits for
 * a next event that may be long in coming. The revocation's UNAUTHORIZED comes from the procedure's
 * middleware (server/trpc.ts); shutdown's "server shutting down" from the drain.
 */
export function followFeed<T>(ctx: { services: Pick<Services, 'keys' | 'subscriptions'>; principal: Principal }, feed: EventFeed<T>, options: FollowOptions, signal: AbortSignal | undefined) {
  const controller = new AbortController();
  const stop = () => controller.abort();
  const revoked = ctx.services.keys.revocationSignal(ctx.principal.keyId);
  async function* items() {
    signal?.addEventListener('abort', stop, { once: true });
    revoked.addEventListener('abort', stop, { once: true });
    try {
      yield* feed.follow(options, controller.signal);
    } finally {
      // the revocation signal lives as long as the key: leave nothing on it
      signal?.removeEventListener('abort', stop);
      revoked.removeEventListener('abort', stop);
    }
  }
  return ctx.services.subscriptions.track(items(), stop, { endless: true });
}
