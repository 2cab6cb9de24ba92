import type { AlertMetric, AlertStateName, Comparator } from '../../shared/alerts';
import type { AlertFired, AlertResolved } from '../events';
import type { LiveFigures } from '../events';
import { readMetric } from './read-metric';

/** A rule as the evaluator needs it (an AlertRule's id and spec). */
export interface RuleToEvaluate {
  id: string;
  metric: AlertMetric;
  model?: string;
  comparator: Comparator;
  threshold: number;
  windowSeconds: number;
  forSeconds: number;
}

/** What the evaluator reads: the aggregator's live windows and each model's circuit. */
export interface AlertInputs {
  /**
   * The figures of the last `seconds` seconds of one model (undefined: all models together);
   * `latency`: whether the latency percentiles are needed (they cost a histogram merge).
   */
  figures(seconds: number, model: string | undefined, latency: boolean): LiveFigures;
  circuits: ReadonlyMap<string, string>;
}

/** One rule's state between evaluations. */
export interface RuleState {
  /** what the rule watched when last evaluated: a fire is resolved under the name it fired with */
  metric: AlertMetric;
  model: string | undefined;
  threshold: number;
  firing: boolean;
  /**
   * Not firing: since when the condition has held. Firing: since when it has not. null when
   * neither, that is when nothing is about to change.
   */
  changingSince: number | null;
  value: number | null;
  /** when `state` last changed */
  since: number;
}

export type AlertEvent = AlertFired | AlertResolved;

export function stateName(state: RuleState): AlertStateName {
  if (state.firing) return 'firing';
  return state.changingSince === null ? 'ok' : 'pending';
}

/**
 * One evaluation (every second): each rule's metric over its window against its threshold, with
 * `forSeconds` hysteresis both ways — the condition must hold that long before the rule fires, and
 * must have stopped holding that long before it resolves, so a figure that hovers at the threshold
 * does not page someone every second. Pure: the same rules, figures, states and time give the same
 * states and events. A firing rule that was deleted, or now watches another metric or model, is
 * resolved (under what it fired with).
 */
export function evaluateAlerts(rules: readonly RuleToEvaluate[], inputs: AlertInputs, previous: ReadonlyMap<string, RuleState>, now: number): { states: Map<string, RuleState>; events: AlertEvent[] } {
  const states = new Map<string, RuleState>();
  const events: AlertEvent[] = [];
  // each distinct window read once, however many rules share it
  const read = new Map<string, LiveFigures>();
  const figuresOf = (rule: RuleToEvaluate) => {
    const latency = rule.metric === 'p95_latency_ms';
    const key = `${rule.windowSeconds}\u0000${rule.model ?? ''}\u0000${latency}`;
    return read.get(key) ?? read.set(key, inputs.figures(rule.windowSeconds, rule.model, latency)).get(key)!;
  };
  const ids = new Set(rules.map((rule) => rule.id));

  for (const [id, state] of previous) {
    if (!ids.has(id) && state.firing) events.push(transition('alert.resolved', id, state, state.value, now));
  }
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    let state = previous.get(rule.id);
    if (state && (state.metric !== rule.metric || state.model !== rule.model)) {
      if (state.firing) events.push(transition('alert.resolved', rule.id, state, state.value, now));
      state = undefined;
    }
    const value = rule.metric === 'circuit_open' ? readMetric(rule, NO_FIGURES, inputs.circuits) : readMetric(rule, figuresOf(rule), inputs.circuits);
    const holds = value !== null && compare(value, rule.comparator, rule.threshold);
    const next: RuleState = state
      ? { ...state, threshold: rule.threshold, value }
      : { metric: rule.metric, model: rule.model, threshold: rule.threshold, firing: false, changingSince: null, value, since: now };
    const wasName = state ? stateName(state) : undefined;
    // firing and the condition holds, or not firing and it does not: nothing is about to change
    if (holds === next.firing) next.changingSince = null;
    else {
      next.changingSince ??= now;
      if (now - next.changingSince >= rule.forSeconds * 1000) {
        next.firing = holds;
        next.changingSince = null;
        events.push(transition(holds ? 'alert.fired' : 'alert.resolved', rule.id, next, value, now));
      }
    }
    if (wasName !== undefined && stateName(next) !== wasName) next.since = now;
    states.set(rule.id, next);
  }
  return { states, events };
}

/** circuit_open reads the circuits, not a window */
const NO_FIGURES: LiveFigures = { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null };

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

function transition(type: AlertEvent['type'], alertId: string, state: RuleState, value: number | null, at: number): AlertEvent {
  return { type, at, alertId, metric: state.metric, ...(state.model === undefined ? {} : { modelId: state.model }), value, threshold: state.threshold };
}
