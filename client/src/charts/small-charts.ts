import { formatValue } from './units';

/**
 * A model's capability profile as horizontal bars (0–100): bars rather than a radar, because a
 * bar's length reads exactly and a table row maps onto it one to one.
 */
export function capabilityOption(title: string, scores: Record<string, number>) {
  const entries = Object.entries(scores);
  const description = `${title}: ${entries.map(([name, score]) => `${name} ${score} of 100`).join(', ')}.`;
  return {
    animation: false,
    aria: { enabled: true, label: { description }, decal: { show: true } },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis' as const, valueFormatter: (value: unknown) => `${String(value)} of 100` },
    xAxis: { type: 'value' as const, min: 0, max: 100, name: 'score (0–100)', nameLocation: 'middle' as const, nameGap: 24 },
    yAxis: { type: 'category' as const, data: entries.map(([name]) => name), inverse: true },
    series: [{ type: 'bar' as const, name: 'score', data: entries.map(([, score]) => score), label: { show: true, position: 'right' as const } }],
  };
}

export function capabilityTable(title: string, scores: Record<string, number>) {
  return { caption: title, columns: ['Capability', 'Score (0–100)'], rows: Object.entries(scores).map(([name, score]) => [name, String(score)]) };
}

/**
 * A card's live p95 sparkline: the last seconds, no axes to read, so its description and the
 * figure printed beside it carry the numbers.
 */
export function sparklineOption(label: string, values: Array<number | null>) {
  const known = values.filter((value): value is number => value !== null);
  const description = known.length === 0 ? `${label}: no data yet.` : `${label}: latest ${formatValue(known.at(-1)!, 'ms')}, highest ${formatValue(Math.max(...known), 'ms')} over the last ${values.length} seconds.`;
  return {
    animation: false,
    aria: { enabled: true, label: { description }, decal: { show: true } },
    grid: { left: 0, right: 0, top: 2, bottom: 2 },
    xAxis: { type: 'category' as const, show: false, boundaryGap: false, data: values.map((_, index) => index) },
    yAxis: { type: 'value' as const, show: false, min: 0, name: 'ms' },
    // symbols: a lone busy second between idle ones is a dot, not nothing
    series: [{ type: 'line' as const, name: label, data: values, showSymbol: true, symbolSize: 3, connectNulls: false, areaStyle: { opacity: 0.15 } }],
  };
}
