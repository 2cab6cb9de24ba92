/**
 * Times typed into the console as a clock in the reporting zone (`2026-12-06 14:05`), and back:
 * the browser's own zone plays no part, so what a field shows and what it sends agree.
 */

const TYPED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

function wallClockParts(epochMs: number, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(epochMs);
  return Object.fromEntries(parts.filter((part) => part.type !== 'literal').map((part) => [part.type, Number(part.value)]));
}

/** How far the zone's clock is ahead of UTC at an instant, ms. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const { year, month, day, hour, minute, second } = wallClockParts(epochMs, timeZone);
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - Math.floor(epochMs / 1000) * 1000;
}

/** "2026-12-06 14:05" (seconds only when not zero) in the zone. */
export function formatZonedInput(epochMs: number, timeZone: string): string {
  const { year, month, day, hour, minute, second } = wallClockParts(epochMs, timeZone);
  const pad = (value: number | undefined) => String(value).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}${second ? `:${pad(second)}` : ''}`;
}

/** The instant a typed clock in the zone names; null when the text is not `YYYY-MM-DD HH:mm[:ss]` or no such day exists. */
export function parseZonedInput(text: string, timeZone: string): number | null {
  const match = TYPED.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(asUtc);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  // the offset at the guess, then at the answer: they differ only across a change of offset (summer time)
  const guess = asUtc - zoneOffsetMs(asUtc, timeZone);
  return asUtc - zoneOffsetMs(guess, timeZone);
}
