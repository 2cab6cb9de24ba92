/** Wall-clock times in a zone (what a datetime-local field holds) to instants and back. */

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(time: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(time)
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(time / 1000) * 1000;
}

/** "2026-12-06T14:05" (a datetime-local input's value) as the wall clock in a zone shows an instant. */
export function toWallClock(time: number, timeZone: string): string {
  return new Date(time + offsetAt(time, timeZone)).toISOString().slice(0, 16);
}

/**
 * The instant a wall clock ("2026-12-06T14:05") names in a zone, or null for text that is not one.
 * Twice round: the offset at the first guess may differ from the offset at the answer (a DST edge).
 */
export function fromWallClock(wall: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  if (!Number.isFinite(asUtc)) return null;
  let time = asUtc - offsetAt(asUtc, timeZone);
  time = asUtc - offsetAt(time, timeZone);
  return time;
}
