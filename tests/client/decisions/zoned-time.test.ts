import { describe, expect, it } from 'vitest';
import { formatZonedInput, parseZonedInput } from '../../../client/src/decisions/zoned-time';

describe('typed times in the reporting zone', () => {
  it.each([
    ['UTC', '2026-12-06 14:05', '2026-12-06T14:05:00.000Z'],
    ['Europe/Berlin', '2026-12-06 14:05', '2026-12-06T13:05:00.000Z'],
    ['Europe/Berlin', '2026-07-06 14:05:30', '2026-07-06T12:05:30.000Z'],
    ['Asia/Kathmandu', '2026-12-06T14:05', '2026-12-06T08:20:00.000Z'],
    ['America/New_York', '2026-03-08 03:30', '2026-03-08T07:30:00.000Z'],
  ])('%s: "%s" is %s, and formats back', (zone, typed, iso) => {
    expect(new Date(parseZonedInput(typed, zone)!).toISOString()).toBe(iso);
    expect(formatZonedInput(Date.parse(iso), zone)).toBe(typed.replace('T', ' '));
  });

  it('refuses what is not a clock or not a day', () => {
    for (const text of ['', 'yesterday', '2026-02-30 10:00', '2026-12-06 24:00', '2026-12-06', '06/12/2026 10:00']) expect(parseZonedInput(text, 'UTC'), text).toBeNull();
  });
});
