// The reporting time zone itself comes from the Settings page's choice (the browser's by
// default): useReportingTimeZone() in client/src/settings/ReportingTimeZone.tsx.

/** "14:05:09" in the given zone: chart axes, tables and "updated at" all use it. */
export function formatClock(epochMs: number, timeZone: string, withSeconds = true): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hourCycle: 'h23' }).format(epochMs);
}

/** "6 Dec 14:05" in the given zone, for ranges longer than a day. */
export function formatDayClock(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}
