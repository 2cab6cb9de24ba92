import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ReportingTimeZoneProvider, TIME_ZONE_STORAGE_KEY, useReportingTimeZone, type ReportingTimeZone } from '../../../client/src/settings/ReportingTimeZone';
import { browserTimeZone, formatInZone, isValidTimeZone, knownTimeZones, offsetLabel } from '../../../client/src/settings/time-zones';

function Probe({ onValue }: { onValue: (value: ReportingTimeZone) => void }) {
  const value = useReportingTimeZone();
  onValue(value);
  return <span data-testid="zone">{value.timeZone}</span>;
}

function mount() {
  let latest: ReportingTimeZone | undefined;
  render(
    <ReportingTimeZoneProvider storage={window.localStorage}>
      <Probe onValue={(value) => (latest = value)} />
    </ReportingTimeZoneProvider>,
  );
  return () => latest!;
}

describe('reporting time zone', () => {
  it("follows the browser's zone until one is chosen", () => {
    const current = mount();
    expect(current().source).toBe('browser');
    expect(current().timeZone).toBe(browserTimeZone());
  });

  it('keeps a chosen zone in this browser and goes back to the browser on null', () => {
    const current = mount();
    act(() => current().setTimeZone('Asia/Kathmandu'));
    expect(screen.getByTestId('zone')).toHaveTextContent('Asia/Kathmandu');
    expect(current().source).toBe('chosen');
    expect(window.localStorage.getItem(TIME_ZONE_STORAGE_KEY)).toBe('Asia/Kathmandu');
    act(() => current().setTimeZone(null));
    expect(current().timeZone).toBe(browserTimeZone());
    expect(window.localStorage.getItem(TIME_ZONE_STORAGE_KEY)).toBeNull();
  });

  it('reads a stored zone back, and ignores a stored zone it does not know', () => {
    window.localStorage.setItem(TIME_ZONE_STORAGE_KEY, 'UTC');
    expect(mount()().timeZone).toBe('UTC');
  });

  it('ignores a stored zone this browser does not know', () => {
    window.localStorage.setItem(TIME_ZONE_STORAGE_KEY, 'Mars/Olympus');
    expect(mount()().source).toBe('browser');
  });

  it('refuses an unknown zone with a message that says what to use', () => {
    const current = mount();
    expect(() => current().setTimeZone('Europe/Berln')).toThrow(/IANA name/);
    expect(current().timeZone).toBe(browserTimeZone());
  });

  it('formats instants in the chosen zone, with offsets that are never guessed', () => {
    const current = mount();
    act(() => current().setTimeZone('Asia/Kathmandu'));
    expect(current().format('2026-01-01T00:00:00Z')).toBe(formatInZone('2026-01-01T00:00:00Z', 'Asia/Kathmandu'));
    expect(formatInZone('2026-01-01T00:00:00Z', 'Asia/Kathmandu')).toMatch(/^1 Jan 2026, 05:45:00 /);
    expect(formatInZone('2026-01-01T00:00:00Z', 'UTC')).toBe('1 Jan 2026, 00:00:00 UTC');
    expect(offsetLabel('Asia/Kathmandu')).toBe('UTC+05:45');
    expect(offsetLabel('UTC')).toBe('UTC+00:00');
  });

  it('knows IANA zones and UTC, and refuses the rest', () => {
    expect(isValidTimeZone('America/St_Johns')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('Nowhere/City')).toBe(false);
    expect(knownTimeZones()[0]).toBe('UTC');
    expect(knownTimeZones()).toContain('Europe/Berlin');
    // IANA's current names, not ICU's older canonical ones
    expect(knownTimeZones()).toEqual(expect.arrayContaining(['Asia/Kathmandu', 'Asia/Kolkata', 'Europe/Kyiv']));
    expect(knownTimeZones()).not.toContain('Asia/Katmandu');
  });

  it('cannot be used outside its provider', () => {
    expect(() => render(<Probe onValue={() => {}} />)).toThrow(/ReportingTimeZoneProvider/);
  });
});
