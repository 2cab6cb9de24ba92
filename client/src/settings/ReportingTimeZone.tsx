import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { browserTimeZone, formatInZone, isValidTimeZone } from './time-zones';

/** localStorage key of the operator's chosen zone; absent means "follow the browser". */
export const TIME_ZONE_STORAGE_KEY = 'grove.reportingTimeZone';

export interface ReportingTimeZone {
  /** the IANA zone every table, chart and export uses: pass it as `timeZone` to metrics queries */
  timeZone: string;
  /** `browser` while the operator has not chosen one */
  source: 'browser' | 'chosen';
  /** the browser's own zone, to offer it back */
  browserZone: string;
  /** a valid IANA zone or `UTC`; `null` goes back to the browser's zone. Throws on an unknown zone. */
  setTimeZone(zone: string | null): void;
  /** an instant as "6 Dec 2026, 21:04:05 CET" in the reporting zone */
  format(iso: string | number | Date): string;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const ReportingTimeZoneContext = createContext<ReportingTimeZone | null>(null);

function readChoice(storage: Store): string | null {
  const stored = storage.getItem(TIME_ZONE_STORAGE_KEY);
  // a zone saved by a browser whose ICU knew it, and this one does not, falls back rather than breaking every chart
  return stored && isValidTimeZone(stored) ? stored : null;
}

/** Holds the reporting time zone for the whole console; kept in this browser's storage. */
export function ReportingTimeZoneProvider({ storage, children }: { storage: Store; children: ReactNode }) {
  const [chosen, setChosen] = useState<string | null>(() => readChoice(storage));
  const browserZone = useMemo(browserTimeZone, []);

  const setTimeZone = useCallback(
    (zone: string | null) => {
      if (zone === null) {
        storage.removeItem(TIME_ZONE_STORAGE_KEY);
        setChosen(null);
        return;
      }
      if (!isValidTimeZone(zone)) throw new Error(`"${zone}" is not a time zone this browser knows; use an IANA name such as Europe/Berlin, or UTC`);
      storage.setItem(TIME_ZONE_STORAGE_KEY, zone);
      setChosen(zone);
    },
    [storage],
  );

  const value = useMemo<ReportingTimeZone>(() => {
    const timeZone = chosen ?? browserZone;
    return { timeZone, source: chosen ? 'chosen' : 'browser', browserZone, setTimeZone, format: (iso) => formatInZone(iso, timeZone) };
  }, [chosen, browserZone, setTimeZone]);

  return <ReportingTimeZoneContext.Provider value={value}>{children}</ReportingTimeZoneContext.Provider>;
}

/** The reporting time zone (browser's by default, UTC or any IANA zone once chosen in Settings). */
export function useReportingTimeZone(): ReportingTimeZone {
  const value = useContext(ReportingTimeZoneContext);
  if (!value) throw new Error('useReportingTimeZone must be used inside <ReportingTimeZoneProvider> (client/src/components/Providers)');
  return value;
}
