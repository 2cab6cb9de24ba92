/** Units of the console's charts: one unit per chart, printed on the axis, in the tooltip and in the table's header. */
export type ChartUnit = 'ms' | 'req/s' | 'tok/s' | '%' | 'USD' | 'requests' | 'score';

const decimals: Record<ChartUnit, number> = { ms: 0, 'req/s': 2, 'tok/s': 1, '%': 1, USD: 4, requests: 0, score: 0 };

// made once per unit: toLocaleString with options makes a formatter on every call (~30 µs), and
// the live charts format thousands of values a second (axis labels measured, descriptions)
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A value with its unit, as an axis label or a table cell shows it; null is "no data", never 0. */
export function formatValue(value: number | null, unit: ChartUnit): string {
  if (value === null || !Number.isFinite(value)) return 'no data';
  if (unit === 'USD') return `$${significant(value, 4)}`;
  // a model on the same host answers in under a millisecond: "0.42 ms", not "0 ms"
  const key = unit === 'ms' && Math.abs(value) < 10 ? (Math.abs(value) < 1 ? 'ms<1' : 'ms<10') : unit;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat('en-US', { maximumFractionDigits: key === 'ms<1' ? 2 : key === 'ms<10' ? 1 : decimals[unit], minimumFractionDigits: 0 })));
  const text = format.format(value);
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/** Sums from a dollar up to the cent; smaller amounts (a request's cost) with 4 significant digits. */
export function significant(value: number, digits: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return Number(value.toPrecision(digits)).toString();
}
