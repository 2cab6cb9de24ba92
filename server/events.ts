import type { UpstreamErrorKind } from './adapters/errors';

/** One attempt at one model within a request. */
export interface Attempt {
  modelId: string;
  provider: string;
  startedAt: number;
  latencyMs: number;
  outcome: 'ok' | 'error' | 'skipped';
  errorKind?: UpstreamErrorKind;
  status?: number;
  message?: string;
}

/** Emitted once per request, after the answer went out; consumers must not block. */
export interface RequestCompleted {
  type: 'request.completed';
  id: string;
  at: number;
  keyId?: string;
  requestedModel: string;
  servedModel?: string;
  rule: string | null;
  stream: boolean;
  outcome: 'ok' | 'error' | 'client_error' | 'aborted';
  status: number;
  errorKind?: string;
  latencyMs: number;
  ttftMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  attempts: Attempt[];
  decision: unknown;
}

export interface CircuitChanged {
  type: 'circuit.changed';
  at: number;
  modelId: string;
  from: string;
  to: string;
  reason: string;
}

export type GroveEvent = RequestCompleted | CircuitChanged;
type Listener = (event: GroveEvent) => void;

/**
 * The one event bus. Synchronous fan-out to in-process listeners (metrics, health, the batched
 * writer, subscriptions): each listener only records and returns, so emitting costs microseconds.
 */
export class EventBus {
  private listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: GroveEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must never break a request or starve the others.
      }
    }
  }
}
