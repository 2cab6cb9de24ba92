import { holdHeapRoom } from '../../server/heap-room';

/**
 * Run with `--expose-gc --trace-gc-verbose` and a `--heap-growing-percent`: V8 prints the growing
 * factor of each new heap limit ("[HeapController] Limit: … (1.4)") to stdout after a full
 * collection; each step below prints its name first, so the test reads the factor each step got.
 */
const kept: unknown[] = [];
function collect(step: string) {
  console.log(`step ${step}`);
  for (let index = 0; index < 50_000; index++) kept.push({ index, text: `object ${index}` });
  globalThis.gc!();
}

collect('started');
const first = holdHeapRoom();
collect('held');
const second = holdHeapRoom();
first();
first();
collect('one of two released, twice');
second();
collect('both released');
console.log('step end');
