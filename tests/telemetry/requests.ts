import type { Attempt, RequestCompleted } from '../../server/events';

/** Completed-request events for the telemetry suites: what the gateway emits, with only the given fields set. */
export function completed(fields: Partial<RequestCompleted> & { at: number; latencyMs: number }): RequestCompleted {
  const id = fields.id ?? `chatcmpl-${Math.random().toString(16).slice(2)}${Math.random().toString(16).slice(2)}`;
  const servedModel = 'servedModel' in fields ? fields.servedModel : 'model-a';
  const attempts: Attempt[] = fields.attempts ?? (servedModel ? [{ modelId: servedModel, provider: 'simulated', startedAt: fields.at, latencyMs: fields.latencyMs, outcome: 'ok' }] : []);
  return {
    type: 'request.completed',
    id,
    keyId: 'key_a',
    requestedModel: servedModel ?? 'auto',
    servedModel,
    rule: null,
    stream: fields.ttftMs !== undefined,
    outcome: 'ok',
    status: 200,
    // what the request log needs of a decision to write it (server/gateway/provenance.ts)
    decision: {
      id,
      requestedModel: servedModel ?? 'auto',
      resolvedModel: null,
      rule: null,
      strategy: 'capability',
      route: { strategy: 'capability', weights: {}, minimums: {}, maxPricePer1M: null, maxLatencyMs: null, chainLength: 3, fillChain: false },
      chain: attempts.map((attempt) => attempt.modelId),
      candidates: [],
    },
    ...fields,
    attempts,
  };
}

/** A small deterministic generator (mulberry32): the same seed gives the same traffic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** The nearest-rank percentile of exact values: what a histogram's answer is checked against. */
export function exactPercentile(values: number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)]!;
}
