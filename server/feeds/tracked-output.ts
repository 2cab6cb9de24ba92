import { isTrackedEnvelope, tracked, type TrackedEnvelope } from '@trpc/server';
import { z } from 'zod';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * The output schema of a subscription that yields `tracked(id, item)`: tRPC's output parser sees
 * the whole async iterable, so this validates (and types) each item as it goes by with `item`, as
 * tRPC's subscription guide does (zAsyncIterable). A feed's items are few (a tick a second, events
 * as they happen), so parsing each costs nothing that matters.
 */
export function trackedItems<Item extends z.ZodType>(item: Item) {
  return z.custom<AsyncIterable<TrackedEnvelope<z.input<Item>>>>(isAsyncIterable).transform(async function* (items): AsyncGenerator<TrackedEnvelope<z.output<Item>>, void> {
    const iterator = items[Symbol.asyncIterator]();
    try {
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
        if (!isTrackedEnvelope(step.value)) throw new Error('a feed yielded an item without an id');
        const [id, data] = step.value;
        yield tracked(id, item.parse(data) as z.output<Item>);
      }
    } finally {
      await iterator.return?.();
    }
  });
}
