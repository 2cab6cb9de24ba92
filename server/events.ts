import type { AlertMetric } from '../shared/alerts';
import type { Attempt, REQUEST_OUTCOMES } from '../shared/decision';
import type { UpstreamErrorKind } from './adapters/errors';
import type { Decision, ExplainedDecision } from './routing';

export type { Attempt };

/**
 * The one event bus and its events. Producers (the gateway, the failover loop, the circuit
 * breakers, the registry, the metrics ticker, the alert evaluator) emit; the consumers are wired in
 * one place, server/telemetry/wire-events.ts, with an exhaustive switch over `type`.
 */


/**
 * Emitted once per request, after the answer went out (a stream: after its last byte), at the time
 * `at + latencyMs`. `id` is the decision id (x-grove-decision-id); `servedModel` the model that
 * answered, if one did. Consumers must not block.
 */
export interface RequestCompleted {
  type: 'request.completed';
  id: string;
  /** when the request arrived (epoch ms) */
  at: number;
  keyId?: string;
  requestedModel: string;
  servedModel?: string;
  rule: string | null;
  stream: boolean;
  outcome: (typeof REQUEST_OUTCOMES)[number];
  status: number;
  errorKind?: string;
  latencyMs: number;
  ttftMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  /** every model tried, in order: a failover is the step from one to the next */
  attempts: Attempt[];
  /** the core's decision (its candidates are listed when the log line is written), or one explained already */
  decision: Decision | ExplainedDecision;
}

/** A call to a model failed (or its circuit kept it from being called); `failsOver` if the chain goes on. */
export interface AttemptFailed {
  type: 'attempt.failed';
  at: number;
  requestId: string;
  modelId: string;
  provider: string;
  errorKind: UpstreamErrorKind | 'circuit_open';
  status?: number;
  latencyMs: number;
  failsOver: boolean;
}

/** The failover loop moved on from one model of the chain to the next, before any byte went out. */
export interface Failover {
  type: 'failover';
  at: number;
  requestId: string;
  from: string;
  to: string;
  /** why it left `from`: the error kind, or `circuit_open` */
  reason: string;
}

export interface CircuitChanged {
  type: 'circuit.changed';
  at: number;
  modelId: string;
  from: string;
  to: string;
  reason: string;
}

/** A Model was created, updated, moved through its lifecycle, rolled back or deleted on this instance. */
export interface ModelChanged {
  type: 'model.changed';
  at: number;
  modelId: string;
  /** the revision's action: create, update, lifecycle:<to>, rollback:<n>, delete */
  action: string;
  revision: number;
  /** the API key that made the change (or the name of the internal actor, such as `seed`) */
  actorKeyId: string;
  /** set when the lifecycle moved */
  lifecycle?: { from: string | null; to: string | null };
}

/** A RoutingPolicy was created, updated, rolled back or deleted on this instance. */
export interface PolicyChanged {
  type: 'policy.changed';
  at: number;
  policyId: string;
  action: string;
  revision: number;
  actorKeyId: string;
}

/** What an alert rule saw when it fired or resolved (server/alerts/evaluate.ts). */
interface AlertState {
  at: number;
  alertId: string;
  metric: AlertMetric;
  /** absent: the rule covers every model */
  modelId?: string;
  /** the figure over the rule's window; null when the window had no request to take it from */
  value: number | null;
  threshold: number;
  /**
   * Set when a peer instance (on the same PostgreSQL) fired or resolved it, on its own traffic: its
   * webhook was that instance's to send. Absent: this instance's own.
   */
  peerInstance?: string;
}

export interface AlertFired extends AlertState {
  type: 'alert.fired';
}

export interface AlertResolved extends AlertState {
  type: 'alert.resolved';
}

/** What requests add up to, over any span: the sums every figure of Grove's telemetry carries. */
export interface Counts {
  requests: number;
  errors: number;
  failovers: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One model's (or every model's) figures over a few live seconds. Latencies in ms; null without samples. */
export interface LiveFigures extends Counts {
  latencyMs: Percentiles | null;
  ttftMs: Percentiles | null;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Every second: the figures of the second that just ended, per model and overall. */
export interface MetricsTick {
  type: 'metrics.tick';
  at: number;
  /** the start of the second these figures cover (epoch ms) */
  second: number;
  /** how many Grove instances' figures this holds: this one and the peers whose second arrived in time */
  instances: number;
  overall: LiveFigures;
  models: Array<LiveFigures & { modelId: string }>;
}

export type GroveEvent = RequestCompleted | AttemptFailed | Failover | CircuitChanged | ModelChanged | PolicyChanged | AlertFired | AlertResolved | MetricsTick;
type Listener = (event: GroveEvent) => void;

/**
 * The one event bus. Synchronous fan-out to in-process listeners: each only records and returns,
 * so emitting costs microseconds and awaits nothing. A listener that throws is reported (logged by
 * the services) and the others still get the event; the producer never sees the error.
 */
export class EventBus {
  private listeners: Listener[] = [];

  constructor(private readonly onListenerError: (error: unknown, event: GroveEvent) => void = () => {}) {}

  on(listener: Listener): () => void {
    // a new array on change, so that a listener removed or added while an event fans out does not
    // skip or repeat another one
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((candidate) => candidate !== listener);
    };
  }

  emit(event: GroveEvent): void {
    const listeners = this.listeners;
    for (let index = 0; index < listeners.length; index++) {
      try {
        listeners[index]!(event);
      } catch (error) {
        this.reportListenerError(error, event);
      }
    }
  }

  /** A reporter that throws must not reach the producer either. */
  private reportListenerError(error: unknown, event: GroveEvent): void {
    try {
      this.onListenerError(error, event);
    } catch {
      // nothing left to tell it to
    }
  }
}
