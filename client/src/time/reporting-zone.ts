// The reporting time zone itself comes from the Settings page's choice (the browser's by
// default): useReportingTimeZone() in client/src/settings/ReportingTimeZone.tsx.

// A formatter takes ~0.1-0.5 ms to make and microseconds to use: a chart's axis and table format
// thousands of times per live tick, so each (zone, format) is made once.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, format: 'clock' | 'minutes' | 'day'): Intl.DateTimeFormat {
  const key = `${format} ${timeZone}`;
  let made = formatters.get(key);
  if (!made) {
    const options: Intl.DateTimeFormatOptions =
      format === 'day' ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit', ...(format === 'clock' ? { second: '2-digit' } : {}) };
    formatters.set(key, (made = new Intl.DateTimeFormat('en-GB', { timeZone, ...options, hourCycle: 'h23' })));
  }
  return made;
}

/** "14:05:09" in the given zone: chart axes, tables and "updated at" all use it. */
export function formatClock(epochMs: number, timeZone: string, withSeconds = true): string {
  return formatter(timeZone, withSeconds ? 'clock' : 'minutes').format(epochMs);
}

/** "6 Dec 14:05" in the given zone, for ranges longer than a day. */
export function formatDayClock(epochMs: number, timeZone: string): string {
  return formatter(timeZone, 'day').format(epochMs);
}
