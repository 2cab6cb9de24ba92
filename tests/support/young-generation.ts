import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8's own gc(), without starting the test process with --expose-gc; and the flag Grove runs
// with (package.json's start): with pretenuring, V8 may allocate a busy site's objects in the old
// generation from the start, whatever becomes of them, and that would hide what this measures
setFlagsFromString('--expose-gc');
setFlagsFromString('--no-allocation-site-pretenuring');
const collect = runInNewContext('gc') as (options: { type: 'major' | 'minor'; execution: 'sync' }) => void;

function oldGenerationBytes(): number {
  return getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'old_space' || space.space_name === 'large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

/**
 * How much the old generation grew while `work` ran and two young-generation collections followed,
 * per call of `work`: the garbage of `work` that V8 promoted instead of freeing young. Garbage that
 * dies young costs a scavenge nearly nothing; promoted garbage waits for a full mark-compact, a
 * pause of 10–20 ms in a loaded gateway. `work` first runs as many times unmeasured (what compiling
 * it puts in the old generation is not its garbage), then from a full collection.
 */
export function promotedBytesPerCall(work: () => unknown, calls: number): number {
  for (let call = 0; call < calls; call++) work();
  collect({ type: 'major', execution: 'sync' });
  const before = oldGenerationBytes();
  for (let call = 0; call < calls; call++) work();
  collect({ type: 'minor', execution: 'sync' });
  collect({ type: 'minor', execution: 'sync' });
  return (oldGenerationBytes() - before) / calls;
}

