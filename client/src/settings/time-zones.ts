/** Pure helpers for the reporting time zone: no React, no storage. */

export const UTC = 'UTC';

/** The browser's own IANA zone; UTC when the runtime cannot say (some locked-down browsers). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || UTC;
  } catch {
    return UTC;
  }
}

/** True for a zone ICU knows (`Europe/Berlin`, `UTC`); a typo or an offset string is refused. */
export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.trim() !== zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * ICU lists some zones under their old names (its canonical ones); IANA and operators use the new.
 * Both are valid zones everywhere, so the list shows the name people search for.
 */
const CURRENT_NAMES: Record<string, string> = {
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Every IANA zone the browser knows, UTC first; older runtimes without `supportedValuesOf` get a short list. */
export function knownTimeZones(): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = supported.length > 0 ? supported : ['Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney'];
  const named = zones.map((zone) => (CURRENT_NAMES[zone] && isValidTimeZone(CURRENT_NAMES[zone]) ? CURRENT_NAMES[zone] : zone));
  return [UTC, ...[...new Set(named)].filter((zone) => zone !== UTC && zone !== 'Etc/UTC').sort()];
}

/** "UTC+05:45" for a zone at an instant: shown beside the zone's name so the offset is never guessed. */
export function offsetLabel(zone: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((item) => item.type === 'timeZoneName');
  const value = part?.value ?? 'GMT';
  return value === 'GMT' ? 'UTC+00:00' : value.replace('GMT', 'UTC');
}

/** A date and time in the reporting zone, with the zone's short name so a reader knows which clock it is. */
export function formatInZone(iso: string | number | Date, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'medium' }) + ` ${zone === UTC ? 'UTC' : shortZoneName(zone, date)}`;
}

function shortZoneName(zone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' }).formatToParts(at).find((item) => item.type === 'timeZoneName')?.value ?? zone;
}
