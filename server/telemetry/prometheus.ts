import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WebhookStats } from '../alerts/webhook-sender';
import type { RequestLogStats } from '../gateway/request-log';
import type { RollupWriterStats } from './rollup-writer';
import { DURATION_BUCKETS_SECONDS, OUTCOMES, type BucketCounts, type Totals } from './totals';

export interface PrometheusSources {
  totals: Totals;
  requestLog: () => RequestLogStats;
  rollups: () => RollupWriterStats;
  listenerErrors: () => number;
  webhooks: () => WebhookStats;
}

/**
 * Prometheus' view, in a registry of Grove's own (not prom-client's global one). Nothing is
 * counted here: every metric reads the aggregator's totals or a writer's stats when scraped, so
 * /metrics and the other views count the same requests, and the hot path pays nothing for it.
 */
export function createPrometheusRegistry(sources: PrometheusSources): Registry {
  const registry = new Registry();
  const registers = [registry];
  const { totals } = sources;

  counter(registry, 'grove_requests_total', 'Requests completed, by the model that served them (or was tried last) and outcome', ['model', 'outcome'], (inc) => {
    for (const [model, figures] of totals.models) OUTCOMES.forEach((outcome, index) => inc({ model, outcome }, figures.requests[index]!));
  });
  counter(registry, 'grove_tokens_total', 'Tokens, by model and direction (input: the prompt, output: the completion)', ['model', 'direction'], (inc) => {
    for (const [model, figures] of totals.models) {
      inc({ model, direction: 'input' }, figures.inputTokens);
      inc({ model, direction: 'output' }, figures.outputTokens);
    }
  });
  counter(registry, 'grove_cost_usd_total', 'Cost in USD, by model, at the models\' declared pricing', ['model'], (inc) => {
    for (const [model, figures] of totals.models) inc({ model }, figures.costUsd);
  });
  counter(registry, 'grove_failovers_total', 'Steps from one model of a chain to the next, before any byte went out', ['from', 'to'], (inc) => {
    for (const pair of totals.failovers.values()) inc({ from: pair.from, to: pair.to }, pair.count);
  });
  new Gauge({
    name: 'grove_circuit_open',
    help: '1 while a model\'s circuit is open or half-open (routing skips it or only probes it), else 0',
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      for (const [model, state] of totals.circuits) this.set({ model }, state === 'closed' ? 0 : 1);
    },
  });
  new ScrapedHistogram('grove_request_duration_seconds', 'Request duration, from arrival to the last byte, by model', () => [...totals.models].map(([model, figures]) => [model, figures.latency]), registers);
  new ScrapedHistogram('grove_time_to_first_token_seconds', 'Time to the first streamed token, by model', () => [...totals.models].map(([model, figures]) => [model, figures.ttft]), registers);

  new Gauge({ name: 'grove_request_log_queue_rows', help: 'Request-log rows waiting in memory to be written', registers, collect() { this.set(sources.requestLog().buffered); } });
  counter(registry, 'grove_request_log_written_total', 'Request-log rows written to the database', [], (inc) => inc({}, sources.requestLog().written));
  counter(registry, 'grove_request_log_dropped_total', 'Request-log rows dropped (buffer full during a database outage, or refused)', [], (inc) => inc({}, sources.requestLog().dropped));
  new Gauge({ name: 'grove_metrics_rollups_queue_rows', help: 'Metric rollups waiting in memory to be written', registers, collect() { this.set(sources.rollups().buffered); } });
  counter(registry, 'grove_metrics_rollups_written_total', 'Metric rollups written to the database', [], (inc) => inc({}, sources.rollups().written));
  counter(registry, 'grove_metrics_rollups_dropped_total', 'Metric rollups dropped (buffer full during a database outage, or refused)', [], (inc) => inc({}, sources.rollups().dropped));
  new Gauge({ name: 'grove_alert_webhooks_queue', help: 'Alert webhook deliveries waiting to be sent or retried', registers, collect() { this.set(sources.webhooks().queued); } });
  counter(registry, 'grove_alert_webhooks_total', 'Alert webhook deliveries, by result (delivered; failed: out of attempts or refused; dropped: queue full)', ['result'], (inc) => {
    const stats = sources.webhooks();
    inc({ result: 'delivered' }, stats.delivered);
    inc({ result: 'failed' }, stats.failed);
    inc({ result: 'dropped' }, stats.dropped);
  });
  counter(registry, 'grove_alert_webhook_retries_total', 'Alert webhook POSTs tried again after no answer, a 5xx, 408 or 429', [], (inc) => inc({}, sources.webhooks().retries));
  counter(registry, 'grove_event_consumer_errors_total', 'Event consumers that threw (each logged; the others still got the event)', [], (inc) => inc({}, sources.listenerErrors()));
  return registry;
}

type Labels = Record<string, string>;

/** A counter whose values are read when scraped: it is reset and given each total afresh. */
function counter(registry: Registry, name: string, help: string, labelNames: string[], read: (inc: (labels: Labels, value: number) => void) => void): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => this.inc(labels, value));
    },
  });
}

/**
 * A histogram whose buckets are read when scraped, from the per-model bucket counts the
 * aggregator keeps (prom-client's own Histogram can only be fed one observation at a time).
 */
class ScrapedHistogram extends Histogram<'model'> {
  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    private readonly buckets: () => Array<[string, BucketCounts]>,
    registers: Registry[],
  ) {
    super({ name: metricName, help: metricHelp, labelNames: ['model'], buckets: [...DURATION_BUCKETS_SECONDS], registers });
  }

  override async get(): ReturnType<Histogram<'model'>['get']> {
    return this.scrape();
  }

  /** What prom-client's registry calls for the text format, in preference to get() */
  async getForPromString(): ReturnType<Histogram<'model'>['get']> {
    return this.scrape();
  }

  private scrape(): Awaited<ReturnType<Histogram<'model'>['get']>> {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    const name = this.metricName;
    for (const [model, buckets] of this.buckets()) {
      let cumulative = 0;
      DURATION_BUCKETS_SECONDS.forEach((le, index) => {
        cumulative += buckets.counts[index]!;
        values.push({ labels: { model, le }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { model, le: '+Inf' }, value: buckets.count, metricName: `${name}_bucket` });
      values.push({ labels: { model }, value: buckets.sum, metricName: `${name}_sum` });
      values.push({ labels: { model }, value: buckets.count, metricName: `${name}_count` });
    }
    // prom-client's typings name neither the `le` label its histograms add nor the string `type`
    // its registry reads ('histogram'): this is the shape its own Histogram.get() returns
    return { name, help: this.metricHelp, type: 'histogram', values, aggregator: 'sum' } as unknown as Awaited<ReturnType<Histogram<'model'>['get']>>;
  }
}
