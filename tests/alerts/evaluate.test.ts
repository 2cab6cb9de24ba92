import { describe, expect, it } from 'vitest';
import { evaluateAlerts, stateName, type AlertInputs, type RuleState, type RuleToEvaluate } from '../../server/alerts/evaluate';
import { readMetric } from '../../server/alerts/read-metric';
import type { LiveFigures } from '../../server/events';
import { MetricsAggregator } from '../../server/telemetry/aggregator';
import { completed } from '../telemetry/requests';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function figures(fields: Partial<LiveFigures> = {}): LiveFigures {
  return { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null, ...fields };
}

function rule(fields: Partial<RuleToEvaluate> = {}): RuleToEvaluate {
  return { id: 'rule', metric: 'error_rate', comparator: '>', threshold: 0.2, windowSeconds: 60, forSeconds: 0, ...fields };
}

/** A window's figures: all models together, and each model's (a model not listed had no requests). */
interface WindowFigures {
  overall: LiveFigures;
  models: Record<string, LiveFigures>;
}
const window = (overall: LiveFigures, models: Record<string, LiveFigures> = {}): WindowFigures => ({ overall, models });
const pick = (figuresOf: WindowFigures, model: string | undefined) => (model === undefined ? figuresOf.overall : (figuresOf.models[model] ?? figures()));

describe('readMetric', () => {
  const busy = window(figures({ requests: 10, errors: 3, failovers: 4, costUsd: 0.5, latencyMs: { p50: 100, p95: 900, p99: 1200 } }), {
    a: figures({ requests: 4, errors: 0, failovers: 1, costUsd: 0.1, latencyMs: { p50: 50, p95: 80, p99: 90 } }),
  });
  const circuits = new Map([
    ['a', 'closed'],
    ['b', 'open'],
    ['c', 'half-open'],
  ]);

  it.each([
    { name: 'error rate of all models', rule: rule({ metric: 'error_rate' }), expected: 0.3 },
    { name: 'error rate of one model', rule: rule({ metric: 'error_rate', model: 'a' }), expected: 0 },
    { name: 'error rate of an idle model: no figure', rule: rule({ metric: 'error_rate', model: 'idle' }), expected: null },
    { name: 'failover steps per request', rule: rule({ metric: 'failover_rate' }), expected: 0.4 },
    { name: 'p95 latency, merged', rule: rule({ metric: 'p95_latency_ms' }), expected: 900 },
    { name: 'p95 latency of one model', rule: rule({ metric: 'p95_latency_ms', model: 'a' }), expected: 80 },
    { name: 'p95 latency without requests', rule: rule({ metric: 'p95_latency_ms', model: 'idle' }), expected: null },
    { name: 'cost over 60 s scaled to an hour', rule: rule({ metric: 'cost_per_hour_usd', windowSeconds: 60 }), expected: 30 },
    { name: 'cost over 10 s scaled to an hour', rule: rule({ metric: 'cost_per_hour_usd', model: 'a', windowSeconds: 10 }), expected: 36 },
    { name: 'cost of an idle model is 0, not unknown', rule: rule({ metric: 'cost_per_hour_usd', model: 'idle' }), expected: 0 },
    { name: 'open and half-open circuits, counted', rule: rule({ metric: 'circuit_open' }), expected: 2 },
    { name: 'one model’s open circuit', rule: rule({ metric: 'circuit_open', model: 'b' }), expected: 1 },
    { name: 'one model’s half-open circuit', rule: rule({ metric: 'circuit_open', model: 'c' }), expected: 1 },
    { name: 'a closed circuit', rule: rule({ metric: 'circuit_open', model: 'a' }), expected: 0 },
    { name: 'a model never seen has a closed circuit', rule: rule({ metric: 'circuit_open', model: 'new' }), expected: 0 },
  ])('$name', ({ rule: given, expected }) => {
    const value = readMetric(given, pick(busy, given.model), circuits);
    if (expected === null) expect(value).toBeNull();
    else expect(value).toBeCloseTo(expected, 9);
  });
});

/** Evaluates `rules` once per listed second, with that second's window; returns the states and events of each. */
function run(rules: RuleToEvaluate[], seconds: Array<WindowFigures | { window: WindowFigures; circuits?: Map<string, string>; rules?: RuleToEvaluate[] }>) {
  let states: ReadonlyMap<string, RuleState> = new Map();
  return seconds.map((entry, index) => {
    const step = 'window' in entry ? entry : { window: entry };
    const inputs: AlertInputs = { figures: (_seconds, model) => pick(step.window, model), circuits: step.circuits ?? new Map() };
    const result = evaluateAlerts(step.rules ?? rules, inputs, states, T0 + index * 1000);
    states = result.states;
    return { states: Object.fromEntries([...result.states].map(([id, state]) => [id, stateName(state)])), events: result.events.map((event) => `${event.type} ${event.alertId} ${String(event.value)}`) };
  });
}

const failing = window(figures({ requests: 10, errors: 5 }));
const healthy = window(figures({ requests: 10, errors: 0 }));
const idle = window(figures());

describe('evaluateAlerts', () => {
  it('fires at once and resolves at once with forSeconds 0', () => {
    expect(run([rule()], [healthy, failing, failing, healthy])).toEqual([
      { states: { rule: 'ok' }, events: [] },
      { states: { rule: 'firing' }, events: ['alert.fired rule 0.5'] },
      { states: { rule: 'firing' }, events: [] },
      { states: { rule: 'ok' }, events: ['alert.resolved rule 0'] },
    ]);
  });

  it('waits forSeconds before firing, and as long before resolving', () => {
    const steps = run([rule({ forSeconds: 2 })], [failing, failing, failing, failing, healthy, healthy, healthy]);
    expect(steps.map((step) => step.states.rule)).toEqual(['pending', 'pending', 'firing', 'firing', 'firing', 'firing', 'ok']);
    expect(steps.map((step) => step.events)).toEqual([[], [], ['alert.fired rule 0.5'], [], [], [], ['alert.resolved rule 0']]);
  });

  it('starts counting again when the condition breaks before forSeconds', () => {
    const steps = run([rule({ forSeconds: 2 })], [failing, failing, healthy, failing, failing, failing]);
    expect(steps.map((step) => step.states.rule)).toEqual(['pending', 'pending', 'ok', 'pending', 'pending', 'firing']);
    // and a firing rule whose condition holds again before forSeconds stays firing, with no second fire
    const flapping = run([rule({ forSeconds: 2 })], [failing, failing, failing, healthy, failing, healthy, healthy, healthy]);
    expect(flapping.flatMap((step) => step.events)).toEqual(['alert.fired rule 0.5', 'alert.resolved rule 0']);
    expect(flapping.map((step) => step.states.rule)).toEqual(['pending', 'pending', 'firing', 'firing', 'firing', 'firing', 'firing', 'ok']);
  });

  it('treats a window without traffic as "does not hold", whatever the comparator', () => {
    expect(run([rule({ comparator: '<', threshold: 0.5 })], [idle, healthy, idle]).map((step) => step.events)).toEqual([[], ['alert.fired rule 0'], ['alert.resolved rule null']]);
  });

  it.each([
    { comparator: '>' as const, at: false, above: true, below: false },
    { comparator: '>=' as const, at: true, above: true, below: false },
    { comparator: '<' as const, at: false, above: false, below: true },
    { comparator: '<=' as const, at: true, above: false, below: true },
  ])('compares with $comparator', ({ comparator, at, above, below }) => {
    const rate = (errors: number) => window(figures({ requests: 10, errors }));
    const fires = (errors: number) => run([rule({ comparator, threshold: 0.5 })], [rate(errors)])[0]!.states.rule === 'firing';
    expect([fires(5), fires(6), fires(4)]).toEqual([at, above, below]);
  });

  it('resolves a firing rule that is deleted, or that now watches something else', () => {
    const other = rule({ id: 'other', metric: 'circuit_open', threshold: 1, comparator: '>=' });
    const open = new Map([['m', 'open']]);
    const steps = run(
      [rule(), other],
      [
        { window: failing, circuits: open },
        { window: failing, circuits: open, rules: [rule({ metric: 'failover_rate' }), other] },
        { window: failing, circuits: open, rules: [] },
      ],
    );
    expect(steps.map((step) => step.events)).toEqual([['alert.fired other 1', 'alert.fired rule 0.5'], ['alert.resolved rule 0.5'], ['alert.resolved other 1']]);
    expect(steps[2]!.states).toEqual({});
  });

  it('keeps the state of a rule whose threshold changed, and judges it by the new one', () => {
    const steps = run([rule()], [failing, { window: failing, rules: [rule({ threshold: 0.6 })] }]);
    expect(steps.map((step) => step.events)).toEqual([['alert.fired rule 0.5'], ['alert.resolved rule 0.5']]);
  });

  it('reads each window once, however many rules share it, and merges latency only for a p95', () => {
    const asked: string[] = [];
    const inputs: AlertInputs = { figures: (seconds, model, latency) => (asked.push(`${seconds} ${model ?? 'all'} ${latency}`), failing.overall), circuits: new Map() };
    const rules = [rule({ id: 'a' }), rule({ id: 'b', metric: 'failover_rate' }), rule({ id: 'c', windowSeconds: 10 }), rule({ id: 'd', model: 'm' }), rule({ id: 'e', metric: 'p95_latency_ms' }), rule({ id: 'f', metric: 'circuit_open' })];
    evaluateAlerts(rules, inputs, new Map(), T0);
    expect(asked.sort()).toEqual(['10 all false', '60 all false', '60 all true', '60 m false']);
  });

  it('reads the aggregator’s windows: errors of the last seconds fire, and age out', () => {
    const aggregator = new MetricsAggregator();
    const rules = [rule({ model: 'model-a', windowSeconds: 5 })];
    const inputsAt = (now: number): AlertInputs => ({ figures: (seconds, model, latency) => aggregator.windowFigures(now, seconds, model, latency), circuits: aggregator.totals.circuits });
    for (let index = 0; index < 4; index++) aggregator.recordRequest(completed({ at: T0, latencyMs: 10, outcome: index < 2 ? 'error' : 'ok' }));
    const first = evaluateAlerts(rules, inputsAt(T0 + 500), new Map(), T0 + 500);
    expect(first.events).toMatchObject([{ type: 'alert.fired', alertId: 'rule', metric: 'error_rate', modelId: 'model-a', value: 0.5, threshold: 0.2, at: T0 + 500 }]);
    const later = evaluateAlerts(rules, inputsAt(T0 + 6_000), first.states, T0 + 6_000);
    expect(later.events).toMatchObject([{ type: 'alert.resolved', value: null }]);
  });
});
