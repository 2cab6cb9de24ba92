/**
 * Calendar arithmetic in an IANA time zone, through Intl (ICU's time-zone data): which zone a name
 * means, a day's first instant, a time's local date and offset. Pure: no clock.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** IANA's names, by lower case: `europe/paris` is answered as Europe/Paris. */
let ianaNames: Map<string, string> | undefined;

/**
 * The zone's name as the answer echoes it, or undefined when Intl does not know it (an offset, a
 * typo). The caller's own name in IANA's spelling: not ICU's canonical one, which for some zones is
 * an older name (Asia/Kathmandu would come back as Asia/Katmandu).
 */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return undefined;
  }
  ianaNames ??= new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]));
  return ianaNames.get(name.toLowerCase()) ?? name;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(time: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(time)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** `YYYY-MM-DD`: the date in the zone at `time` (epoch ms). */
export function localDate(time: number, timeZone: string): string {
  const { year, month, day } = localTime(time, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The zone's offset from UTC at `time`, in ms (east positive). */
export function offsetAt(time: number, timeZone: string): number {
  const local = localTime(time, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - (time - (((time % 1000) + 1000) % 1000));
}

/** An instant as ISO 8601 with the zone's offset at that instant: `2026-03-01T00:00:00+01:00`. */
export function isoInZone(time: number, timeZone: string): string {
  const offset = offsetAt(time, timeZone);
  const local = new Date(time + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const minutes = Math.abs(offset) / 60_000;
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const MINUTE = 60_000;

/**
 * The first minute of the local day that contains `time`. Found by bisection over minutes rather
 * than by formula, so that a day that begins at 01:00 (a DST change at midnight) begins there.
 */
export function startOfLocalDay(time: number, timeZone: string): number {
  const date = localDate(time, timeZone);
  // the day began less than 27 hours ago (a day is 23–25 hours long)
  let before = Math.floor((time - 27 * 3_600_000) / MINUTE);
  let within = Math.floor(time / MINUTE);
  while (within - before > 1) {
    const middle = Math.floor((before + within) / 2);
    if (localDate(middle * MINUTE, timeZone) < date) before = middle;
    else within = middle;
  }
  return within * MINUTE;
}

/** The local days that overlap [from, to): each one's date and its part of the range. */
export function localDays(from: number, to: number, timeZone: string): Array<{ date: string; from: number; to: number }> {
  const days: Array<{ date: string; from: number; to: number }> = [];
  let start = from;
  while (start < to) {
    // a local day lasts 23 to 25 hours: 26 hours after its start lies in the next day
    const next = Math.min(to, startOfLocalDay(startOfLocalDay(start, timeZone) + 26 * 3_600_000, timeZone));
    days.push({ date: localDate(start, timeZone), from: start, to: next });
    start = next;
  }
  return days;
}
