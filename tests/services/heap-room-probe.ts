import { holdHeapRoom } from '../../server/heap-room';

/**
 * Run with `--expose-gc --trace-gc-verbose` and a `--heap-growing-percent`: V8 prints the growing
 * factor of each new heap limit ("[HeapController] Limit: … (1.4)") after a full collection. The
 * four steps below each end in one, in this order: started, held, one of two holders released
 * (twice), both released. Each step keeps what it allocates, a few megabytes, so that no other
 * full collection comes between them.
 */
const kept: unknown[] = [];
function collect() {
  for (let index = 0; index < 50_000; index++) kept.push({ index, text: `object ${index}` });
  globalThis.gc!();
}

collect();
const first = holdHeapRoom();
collect();
const second = holdHeapRoom();
first();
first();
collect();
second();
collect();
