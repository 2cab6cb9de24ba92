import type { AlertHistoryEntry, AlertMetric, Comparator } from '../../../shared/alerts';
import { decisionsLink } from '../decisions/filters';

/** Each metric in words, with the unit its threshold is written in. */
export const METRIC_TEXT: Record<AlertMetric, { label: string; unit: string }> = {
  p95_latency_ms: { label: 'p95 latency', unit: 'ms' },
  error_rate: { label: 'error rate', unit: 'fraction 0–1' },
  failover_rate: { label: 'failover rate', unit: 'failovers per request' },
  cost_per_hour_usd: { label: 'cost per hour', unit: 'USD/h' },
  circuit_open: { label: 'open circuits', unit: 'count' },
};

/** A metric's value as a reader takes it in: `1,250 ms`, `12.5%`, `$0.4200/h`. */
export function formatMetricValue(metric: AlertMetric, value: number | null): string {
  if (value === null) return 'no traffic';
  switch (metric) {
    case 'p95_latency_ms':
      return `${Math.round(value).toLocaleString('en-US')} ms`;
    case 'error_rate':
    case 'failover_rate':
      return `${Number((value * 100).toPrecision(3))}%`;
    case 'cost_per_hour_usd':
      return `$${Number(value.toPrecision(4))}/h`;
    case 'circuit_open':
      return String(value);
  }
}

/** "p95 latency of sim-fast > 1,500 ms over 60 s, for 10 s" */
export function conditionText(rule: { metric: AlertMetric; model: string | null | undefined; comparator: Comparator; threshold: number; windowSeconds: number; forSeconds: number }): string {
  const scope = rule.model ? `of ${rule.model}` : 'of all models';
  const held = rule.forSeconds > 0 ? `, for ${rule.forSeconds} s` : '';
  return `${METRIC_TEXT[rule.metric].label} ${scope} ${rule.comparator} ${formatMetricValue(rule.metric, rule.threshold)} over ${rule.windowSeconds} s${held}`;
}

/** One alert from the moment it fired to the moment it resolved (null: still firing), on one instance. */
export interface AlertEpisode {
  alert: string;
  instance: string;
  metric: AlertMetric;
  model: string | null;
  threshold: number;
  /** null: it fired before the oldest entry the history keeps */
  firedAt: string | null;
  /** the figure that crossed the threshold */
  firedValue: number | null;
  resolvedAt: string | null;
  resolvedValue: number | null;
}

/**
 * The history (newest first, as alerts.list gives it) paired into episodes, newest first. A
 * resolve whose fire is older than the history reaches still shows, with the time it fired unknown.
 */
export function alertEpisodes(history: AlertHistoryEntry[]): AlertEpisode[] {
  const open = new Map<string, AlertEpisode>();
  const episodes: AlertEpisode[] = [];
  for (const entry of [...history].reverse()) {
    const key = `${entry.alert}\u0000${entry.instance}`;
    if (entry.state === 'firing') {
      const episode: AlertEpisode = { alert: entry.alert, instance: entry.instance, metric: entry.metric, model: entry.model, threshold: entry.threshold, firedAt: entry.at, firedValue: entry.value, resolvedAt: null, resolvedValue: null };
      open.set(key, episode);
      episodes.push(episode);
    } else {
      const episode = open.get(key);
      if (episode) {
        episode.resolvedAt = entry.at;
        episode.resolvedValue = entry.value;
        open.delete(key);
      } else {
        episodes.push({ alert: entry.alert, instance: entry.instance, metric: entry.metric, model: entry.model, threshold: entry.threshold, firedAt: null, firedValue: null, resolvedAt: entry.at, resolvedValue: entry.value });
      }
    }
  }
  return episodes.reverse();
}

/** How much before an alert fired its moment starts: the rule's window is at most a minute, the lead-up is worth seeing. */
const LEAD_MS = 5 * 60_000;
/** A moment still going (or resolved at an unknown time) is shown up to this long after it started. */
const TAIL_MS = 5 * 60_000;

/** The chart and the decisions of an alert's moment, in the URL formats the Monitoring and Decisions pages read. */
export function momentLinks(episode: { model: string | null; firedAt: string | null; resolvedAt: string | null }, now: number): { chart: string; decisions: string } {
  const start = Date.parse(episode.firedAt ?? episode.resolvedAt!);
  const end = episode.resolvedAt ? Date.parse(episode.resolvedAt) + TAIL_MS : Math.max(now, start + TAIL_MS);
  const from = new Date(start - LEAD_MS).toISOString();
  const to = new Date(end).toISOString();
  const chart = new URLSearchParams({ ...(episode.model ? { model: episode.model } : {}), from, to });
  return { chart: `/monitoring?${chart.toString()}`, decisions: decisionsLink({ model: episode.model, from, to }) };
}
