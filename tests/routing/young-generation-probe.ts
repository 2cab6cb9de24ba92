import { getHeapSpaceStatistics } from 'node:v8';
import { decide } from '../../server/routing/decide';
import { explainCandidates } from '../../server/routing/explain';
import { model, policy, registry, request } from './builders';

/*
 * Run by young-generation.test.ts in a process of its own, started with the flags this needs:
 * --expose-gc for V8's gc(), and --no-allocation-site-pretenuring as Grove runs (package.json's
 * start, server/v8-flags.ts): with pretenuring, V8 may allocate a busy site's objects in the old
 * generation from the start, whatever becomes of them, which would hide what this measures. Set in
 * the shared vitest worker, those flags changed every test that ran after. Prints one JSON line.
 */
const collect = (globalThis as { gc?: (options: { type: 'major' | 'minor'; execution: 'sync' }) => void }).gc;
if (!collect) throw new Error('run with node --expose-gc');

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
function promotedBytesPerCall(work: () => unknown, calls: number): number {
  for (let call = 0; call < calls; call++) work();
  collect!({ type: 'major', execution: 'sync' });
  const before = oldGenerationBytes();
  for (let call = 0; call < calls; call++) work();
  collect!({ type: 'minor', execution: 'sync' });
  collect!({ type: 'minor', execution: 'sync' });
  return (oldGenerationBytes() - before) / calls;
}

const snapshot = registry(Array.from({ length: 6 }, (_, index) => model(`model-${index}`, { capabilities: { reasoning: 50 + index } })));
const routing = policy({});
let sink = 0;
const unexplained = promotedBytesPerCall(() => (sink += decide(request({ model: 'auto' }), snapshot, {}, routing).chain.length), 2_000);
const explained = promotedBytesPerCall(() => (sink += explainCandidates(decide(request({ model: 'auto' }), snapshot, {}, routing)).length), 2_000);
process.stdout.write(JSON.stringify({ unexplained, explained, sink }) + '\n');
