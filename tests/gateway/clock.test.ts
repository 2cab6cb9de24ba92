import { describe, expect, it } from 'vitest';
import { preciseClock } from '../../server/clock';

describe('the data plane\'s clock', () => {
  it('counts fractions of a millisecond from the monotonic clock, anchored to the wall clock', () => {
    let wall = 1_700_000_000_000;
    let monotonic = 5_000.25;
    const now = preciseClock(() => wall, () => monotonic);
    expect(now()).toBe(1_700_000_000_000);
    monotonic += 0.3;
    wall += 0; // Date.now() has not moved: the request took 0.3 ms, not 0
    expect(now() - 1_700_000_000_000).toBeCloseTo(0.3, 3);
  });

  it('keeps its anchor through the wall clock\'s rounding, and follows a step of it', () => {
    let wall = 1_700_000_000_000;
    let monotonic = 100.5;
    const now = preciseClock(() => wall, () => monotonic);
    const start = now();
    // a second later, Date.now() rounded down by most of a millisecond: no step
    monotonic += 1_000;
    wall += 999;
    expect(now() - start).toBeCloseTo(1_000, 9);
    // the wall clock is stepped (NTP at boot): at its next check, within a second, the clock follows it
    wall += 3_601_000; // an hour and a second ahead of where it was
    monotonic += 1_000;
    expect(now() - start).toBeCloseTo(3_601_999, 3);
    // and then counts on from there
    monotonic += 10.5;
    expect(now() - start).toBeCloseTo(3_602_009.5, 3);
  });

  it('never goes backwards between checks, whatever the wall clock does', () => {
    let wall = 1_700_000_000_000;
    let monotonic = 0;
    const now = preciseClock(() => wall, () => monotonic);
    let last = now();
    for (let step = 0; step < 2_000; step++) {
      monotonic += 0.37;
      wall = 1_700_000_000_000 + Math.floor(monotonic);
      const next = now();
      expect(next).toBeGreaterThanOrEqual(last);
      last = next;
    }
  });
});
