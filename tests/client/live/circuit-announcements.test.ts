import { describe, expect, it } from 'vitest';
import { circuitAnnouncements } from '../../../client/src/live/circuit-announcements';

describe('circuit announcements', () => {
  it('says only what changed, and nothing on the first reading', () => {
    const reading = [
      { modelId: 'sim-flaky', circuit: 'open' },
      { modelId: 'sim-sage', circuit: 'closed' },
    ];
    expect(circuitAnnouncements(null, reading)).toEqual([]);
    const before = new Map([
      ['sim-flaky', 'closed'],
      ['sim-sage', 'closed'],
    ]);
    expect(circuitAnnouncements(before, reading)).toEqual(['sim-flaky: circuit opened: routing skips it']);
    expect(circuitAnnouncements(new Map([['sim-flaky', 'open']]), [{ modelId: 'sim-flaky', circuit: 'half-open' }, { modelId: 'new-model', circuit: 'open' }])).toEqual([
      'sim-flaky: circuit half-open: one request probes it',
    ]);
  });
});
