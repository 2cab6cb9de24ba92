import { METRIC_RANGES, type MetricRange } from '../../../shared/metrics';
import { RANGE_LABELS } from '../components/RangePicker/RangePicker';
import { formatDayClock } from '../time/reporting-zone';

/**
 * The Monitoring page's state as its URL carries it, so that an alert (or a colleague) can link
 * to a moment: `/monitoring?model=<id>&from=<ISO>&to=<ISO>` or `?range=15m|1h|24h|7d`, all optional.
 */
export type RangeSelection = { kind: 'preset'; range: MetricRange } | { kind: 'custom'; from: number; to: number };

export interface MonitoringView {
  /** null: all models */
  model: string | null;
  range: RangeSelection;
  /** what the URL held that could not be used, said on the page rather than silently dropped */
  problems: string[];
}

export const DEFAULT_RANGE: RangeSelection = { kind: 'preset', range: '1h' };

const isPreset = (value: string | null): value is MetricRange => value !== null && (METRIC_RANGES as readonly string[]).includes(value);

/** A time in the URL: ISO 8601 with a zone (Z or an offset); anything else is not a moment. */
function readTime(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : null;
}

export function readMonitoringUrl(params: URLSearchParams, now: number): MonitoringView {
  const problems: string[] = [];
  const model = params.get('model')?.trim() || null;
  const from = params.get('from');
  const to = params.get('to');
  const preset = params.get('range');
  if (from !== null || to !== null) {
    const start = from === null ? null : readTime(from);
    const end = to === null ? now : readTime(to);
    if (from === null) problems.push('"to" was given without "from"');
    else if (start === null) problems.push(`"from" is not an ISO 8601 time with a zone: ${from}`);
    if (to !== null && end === null) problems.push(`"to" is not an ISO 8601 time with a zone: ${to}`);
    if (start !== null && end !== null && !(start < end)) problems.push('"from" must be before "to"');
    if (problems.length === 0) return { model, range: { kind: 'custom', from: start!, to: end! }, problems };
  } else if (preset !== null) {
    if (isPreset(preset)) return { model, range: { kind: 'preset', range: preset }, problems };
    problems.push(`"range" must be one of ${METRIC_RANGES.join(', ')}, not ${preset}`);
  }
  return { model, range: DEFAULT_RANGE, problems };
}

export function monitoringSearch(view: Pick<MonitoringView, 'model' | 'range'>): string {
  const params = new URLSearchParams();
  if (view.model) params.set('model', view.model);
  if (view.range.kind === 'preset') params.set('range', view.range.range);
  else {
    params.set('from', new Date(view.range.from).toISOString());
    params.set('to', new Date(view.range.to).toISOString());
  }
  return `?${params.toString()}`;
}

/** The range as the metrics queries take it. */
export function rangeQuery(range: RangeSelection): { range: MetricRange } | { from: string; to: string } {
  return range.kind === 'preset' ? { range: range.range } : { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

/** "last hour", or "6 Dec 14:05 – 6 Dec 15:05" in the reporting zone. */
export function rangeLabel(range: RangeSelection, timeZone: string): string {
  return range.kind === 'preset' ? RANGE_LABELS[range.range] : `${formatDayClock(range.from, timeZone)} – ${formatDayClock(range.to, timeZone)}`;
}

/** The decisions of a moment: the Decisions page reads exactly this URL. */
export function decisionsLink(model: string | null, from: number, to: number): string {
  const params = new URLSearchParams();
  if (model) params.set('model', model);
  params.set('from', new Date(from).toISOString());
  params.set('to', new Date(to).toISOString());
  return `/decisions?${params.toString()}`;
}
