import type { RequestCompleted } from '../events';

/** The model a request counts toward when no model was tried (refused before routing chose one). */
export const NO_MODEL = '(none)';
/** The key a request counts toward when it carried none. */
export const NO_KEY = '(none)';

/**
 * What the metrics take from a request, decided here once so that every figure — live windows,
 * rollups, Prometheus, and the request log they are checked against — counts the same way.
 *
 * - A request counts at the time it completed, `at + latencyMs` (the request log keeps both).
 * - It counts toward the model that served it, else the last model tried, else NO_MODEL: a name a
 *   client made up never becomes a label or a row.
 * - An error is an `error` outcome (Grove's or an upstream's failure); a client's mistake
 *   (`client_error`) or a client that went away (`aborted`) is a request but not an error.
 * - Its failovers are its steps from one model to the next: attempts − 1.
 */
export function completedAt(event: RequestCompleted): number {
  return event.at + event.latencyMs;
}

export function modelOf(event: RequestCompleted): string {
  const { attempts } = event;
  return event.servedModel ?? (attempts.length > 0 ? attempts[attempts.length - 1]!.modelId : NO_MODEL);
}

export function isError(event: RequestCompleted): boolean {
  return event.outcome === 'error';
}

export function failoversOf(event: RequestCompleted): number {
  return event.attempts.length > 1 ? event.attempts.length - 1 : 0;
}

/** Tokens and cost may be absent (a refused request, a stream cut before usage): they count as 0. */
export function inputTokensOf(event: RequestCompleted): number {
  return event.promptTokens ?? 0;
}

export function outputTokensOf(event: RequestCompleted): number {
  return event.completionTokens ?? 0;
}

export function costOf(event: RequestCompleted): number {
  return event.costUsd ?? 0;
}
