import { describe, expect, it } from 'vitest';
import { decide } from '../../server/routing/decide';
import { promotedBytesPerCall } from '../support/young-generation';
import { model, policy, registry, request } from './builders';

const snapshot = registry(Array.from({ length: 6 }, (_, index) => model(`model-${index}`, { capabilities: { reasoning: 50 + index } })));
const routing = policy({});

describe('a decision is garbage the young generation frees', () => {
  it('leaves nothing in the old generation once dropped, read or not', () => {
    let sink = 0;
    const unread = promotedBytesPerCall(() => (sink += decide(request({ model: 'auto' }), snapshot, {}, routing).chain.length), 2_000);
    const read = promotedBytesPerCall(() => (sink += decide(request({ model: 'auto' }), snapshot, {}, routing).candidates.length), 2_000);
    expect(sink).toBeGreaterThan(0);
    // a per-decision accessor kept each routing context alive into the old generation: ~1–2 KB a decision
    expect(unread).toBeLessThan(400);
    expect(read).toBeLessThan(400);
  });
});
