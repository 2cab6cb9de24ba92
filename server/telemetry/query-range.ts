import { invalid, type Problem } from '../errors';
import type { MetricRange } from '../../shared/metrics';
import type { BucketSeconds } from './rollups';
import { canonicalTimeZone, isoInZone } from './time-zone';

export interface RangeRequest {
  range?: MetricRange;
  from?: string;
  to?: string;
  timezone?: string;
}

/** A range ready to query: [from, to) in epoch ms, both multiples of the step. */
export interface ResolvedRange {
  from: number;
  to: number;
  timeZone: string;
  stepSeconds: BucketSeconds;
}

const PRESET_MS: Record<MetricRange, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };
/** up to this span, minute buckets; beyond, quarter hours (every zone's day boundary is still an edge) */
const MINUTE_STEP_UP_TO_MS = 6 * 3_600_000;

/**
 * Turns a query's range into exact bounds, or refuses it with every reason: an unknown time zone, a
 * preset given with from/to, a `to` without `from`, an inverted range, a start older than what
 * is kept. The bounds are snapped outward to whole steps, so that totals cover whole rollups (and
 * the answer says which bounds it used).
 */
export function resolveRange(input: RangeRequest, options: { now: number; retentionDays: number }): ResolvedRange {
  const problems: Problem[] = [];
  const timeZone = canonicalTimeZone(input.timezone ?? 'UTC');
  if (!timeZone) problems.push({ path: 'timezone', message: `unknown time zone "${input.timezone}": give an IANA name such as UTC or Europe/Paris` });
  if (input.range && (input.from || input.to)) problems.push({ path: 'range', message: 'give either range or from/to, not both' });
  if (input.to && !input.from) problems.push({ path: 'from', message: 'to needs a from' });
  const from = input.from ? Date.parse(input.from) : undefined;
  const to = input.to ? Date.parse(input.to) : options.now;
  if (from !== undefined && !(from < to)) problems.push({ path: 'from', message: `inverted range: from (${input.from}) must be before to (${input.to ?? 'now'})` });
  const horizon = options.now - options.retentionDays * 86_400_000;
  const span = from !== undefined ? to - from : PRESET_MS[input.range ?? '1h'];
  const stepSeconds: BucketSeconds = span <= MINUTE_STEP_UP_TO_MS ? 60 : 900;
  const stepMs = stepSeconds * 1000;
  const end = Math.ceil(to / stepMs) * stepMs;
  const start = from !== undefined ? Math.floor(from / stepMs) * stepMs : end - span;
  if (problems.length === 0 && start < horizon) {
    problems.push({ path: from !== undefined ? 'from' : 'range', message: `the range starts before the retention horizon: metrics are kept ${options.retentionDays} days (GROVE_METRICS_RETENTION_DAYS), so the range must start after ${new Date(horizon).toISOString()}` });
  }
  if (problems.length) throw invalid(problems, 'invalid metrics query');
  return { from: start, to: end, timeZone: timeZone!, stepSeconds };
}

export function echoRange(range: ResolvedRange) {
  return { from: isoInZone(range.from, range.timeZone), to: isoInZone(range.to, range.timeZone), timezone: range.timeZone, stepSeconds: range.stepSeconds };
}
