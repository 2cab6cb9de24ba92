import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attempt, Counts, RequestCompleted } from '../../server/events';
import { MetricsAggregator } from '../../server/telemetry/aggregator';
import { resolveRange } from '../../server/telemetry/query-range';
import { completedAt, modelOf, NO_KEY } from '../../server/telemetry/request-facts';
import { rowsInRange, summary } from '../../server/telemetry/summarize';
import type { RollupRow } from '../../server/telemetry/rollups';
import { testDrivers } from '../support/database';
import { startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';
import { completed } from './requests';

/**
 * Numbers add up: for any range, grouping and time zone, the totals a query answers equal the sums
 * of the per-request figures of the requests that completed within the range it echoes. Checked
 * on generated traffic through the pure core, then through a running Grove (stored rollups, the
 * writer's buffer and the open minutes together) against the events and against the request log.
 */

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/Havana', 'Pacific/Kiritimati', 'Etc/GMT+12'];
const MODELS = ['alpha', 'beta', 'gamma'];
const KEYS = ['key_one', 'key_two', undefined];
const DAY = 86_400_000;

type Grouping = 'model' | 'key' | 'day' | undefined;


/** Generated traffic: requests completing within `spanMs` before `end`, with failovers, errors and refusals. */
function trafficArbitrary(end: number, spanMs: number, maxLength: number) {
  const request = fc.record({
    completesBefore: fc.integer({ min: 0, max: spanMs }),
    latencyMs: fc.integer({ min: 1, max: 120_000 }),
    model: fc.constantFrom(...MODELS),
    keyId: fc.constantFrom(...KEYS),
    kind: fc.constantFrom('ok', 'ok', 'ok', 'failover', 'error', 'refused', 'aborted'),
    promptTokens: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
    completionTokens: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }),
    costUsd: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }),
    ttftMs: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
  });
  return fc.array(request, { minLength: 1, maxLength }).map((requests) =>
    requests.map((generated): RequestCompleted => {
      const completion = end - generated.completesBefore;
      const at = completion - generated.latencyMs;
      const attempt = (modelId: string, outcome: Attempt['outcome']): Attempt => ({ modelId, provider: 'simulated', startedAt: at, latencyMs: 1, outcome });
      const other = MODELS[(MODELS.indexOf(generated.model) + 1) % MODELS.length]!;
      const common = { at, latencyMs: generated.latencyMs, keyId: generated.keyId, promptTokens: generated.promptTokens, completionTokens: generated.completionTokens, costUsd: generated.costUsd, ttftMs: generated.ttftMs };
      switch (generated.kind) {
        case 'failover':
          return completed({ ...common, servedModel: generated.model, attempts: [attempt(other, 'error'), attempt('gamma', 'skipped'), attempt(generated.model, 'ok')] });
        case 'error':
          return completed({ ...common, servedModel: undefined, outcome: 'error', status: 502, attempts: [attempt(generated.model, 'error'), attempt(other, 'error')] });
        case 'refused':
          return completed({ ...common, servedModel: undefined, outcome: 'client_error', status: 404, attempts: [], promptTokens: undefined, completionTokens: undefined, costUsd: undefined, ttftMs: undefined });
        case 'aborted':
          return completed({ ...common, servedModel: generated.model, outcome: 'aborted', status: 499, attempts: [attempt(generated.model, 'error')] });
        default:
          return completed({ ...common, servedModel: generated.model });
      }
    }),
  );
}

/** A query: a preset, or from/to written with a random offset, in a random zone, grouped or not. */
function queryArbitrary(end: number, spanMs: number) {
  const offsetMinutes = fc.constantFrom(0, 60, -300, 345, 330, -210, 765, -720);
  const custom = fc
    .record({ start: fc.integer({ min: end - spanMs - DAY, max: end }), length: fc.integer({ min: 1, max: spanMs + DAY }), fromOffset: offsetMinutes, toOffset: offsetMinutes })
    .map(({ start, length, fromOffset, toOffset }) => ({ from: isoWithOffset(start, fromOffset), to: isoWithOffset(start + length, toOffset) }));
  const preset = fc.constantFrom('15m', '1h', '24h', '7d').map((range) => ({ range }));
  return fc.record({ range: fc.oneof(preset, custom), timezone: fc.constantFrom(...ZONES), groupBy: fc.constantFrom<Grouping>('model', 'key', 'day', undefined) });
}

function isoWithOffset(time: number, offsetMinutes: number): string {
  const local = new Date(time + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The local date of an instant, the way Intl formats it (not through server/telemetry/time-zone.ts). */
function localDateOf(time: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(time);
}

function sums(events: readonly RequestCompleted[]): Counts {
  const total: Counts = { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const event of events) {
    total.requests += 1;
    if (event.outcome === 'error') total.errors += 1;
    total.failovers += Math.max(0, event.attempts.length - 1);
    total.inputTokens += event.promptTokens ?? 0;
    total.outputTokens += event.completionTokens ?? 0;
    total.costUsd += event.costUsd ?? 0;
  }
  return total;
}

/** Equal, costs to within float rounding (sums in another order). */
function expectSums(actual: LooseJson, expected: Counts, where: string): void {
  const { costUsd, ...counts } = expected;
  expect({ requests: actual.requests, errors: actual.errors, failovers: actual.failovers, inputTokens: actual.inputTokens, outputTokens: actual.outputTokens }, where).toEqual(counts);
  expect(Math.abs(actual.costUsd - costUsd), `${where}: cost ${actual.costUsd} vs ${costUsd}`).toBeLessThanOrEqual(1e-9 * Math.max(1, costUsd));
}

/** Checks an answer against the events: totals, and every group (days: every local day of the range, empty ones too). */
function expectAnswerAddsUp(answer: LooseJson, events: readonly RequestCompleted[], groupBy: Grouping): void {
  const from = Date.parse(answer.range.from);
  const to = Date.parse(answer.range.to);
  const timeZone = answer.range.timezone as string;
  expect((to - from) % (answer.range.stepSeconds * 1000)).toBe(0);
  const inRange = events.filter((event) => completedAt(event) >= from && completedAt(event) < to);
  expectSums(answer.totals, sums(inRange), `totals ${answer.range.from}…${answer.range.to}`);
  if (!groupBy) return;
  const keyOf = groupBy === 'model' ? modelOf : groupBy === 'key' ? (event: RequestCompleted) => event.keyId ?? NO_KEY : (event: RequestCompleted) => localDateOf(completedAt(event), timeZone);
  const expected = new Map<string, RequestCompleted[]>();
  for (const event of inRange) expected.set(keyOf(event), [...(expected.get(keyOf(event)) ?? []), event]);
  const groups = answer.groups as LooseJson[];
  for (const group of groups) expectSums(group, sums(expected.get(group.key) ?? []), `${groupBy} ${group.key}`);
  const withRequests = groups.filter((group) => group.requests > 0).map((group) => group.key);
  expect(withRequests.sort()).toEqual([...expected.keys()].sort());
  if (groupBy === 'day') {
    // consecutive days that tile the range exactly, each starting at a local midnight but the first
    expect(groups[0]!.from).toBe(answer.range.from);
    expect(groups.at(-1)!.to).toBe(answer.range.to);
    groups.forEach((group, index) => {
      if (index > 0) expect(Date.parse(group.from)).toBe(Date.parse(groups[index - 1]!.to));
      if (index > 0) expect(localDateOf(Date.parse(group.from) - 1, timeZone) < group.key && localDateOf(Date.parse(group.from), timeZone) === group.key).toBe(true);
    });
  }
}

describe('numbers add up, in the pure core', () => {
  const end = Date.parse('2026-03-29T02:30:00Z'); // a DST change in Europe, a few hours before
  const span = 9 * DAY;

  it('for generated traffic, any range, zone and grouping: totals equal the sums of the requests', () => {
    fc.assert(
      fc.property(trafficArbitrary(end, span, 300), fc.integer({ min: 0, max: 20 * 60_000 }), fc.array(queryArbitrary(end, span), { minLength: 1, maxLength: 6 }), (events, closedAgo, queries) => {
        const aggregator = new MetricsAggregator();
        for (const event of events) aggregator.recordRequest(event);
        // what closed by then is "stored"; the rest is still open
        const stored = aggregator.closeRollups(end - closedAgo);
        for (const query of queries) {
          const range = resolveRange({ ...query.range, timezone: query.timezone }, { now: end, retentionDays: 30 });
          const rows: RollupRow[] = rowsInRange([...stored.filter((row) => row.bucketSeconds === range.stepSeconds), ...aggregator.openRows(range.stepSeconds)], range);
          expectAnswerAddsUp(summary(rows, range, query.groupBy), events, query.groupBy);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe.each(testDrivers)('numbers add up in a running Grove on %s', (driver) => {
  let gateway: GatewayHarness;
  let events: RequestCompleted[];
  const end = Date.now();
  const span = 8 * DAY;

  beforeAll(async () => {
    gateway = await startGateway({ driver });
    events = fc.sample(trafficArbitrary(end, span, 1_500), { numRuns: 1, seed: 42 })[0]!;
    // the traffic arrives as the gateway emits it, on the bus: the aggregator and the request log both hear it
    for (const event of events) gateway.services.events.emit(event);
    // closes every past minute: rows go to the writer (some written by the time the queries run, some not)
    gateway.services.telemetry.tick();
    await gateway.services.requestLog.flush();
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
  });

  const get = async (query: Record<string, string | undefined>) => {
    const parameters = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await fetch(`${gateway.url}/api/v1/metrics?${parameters}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as LooseJson;
  };

  it('GET /api/v1/metrics adds up for any range, zone and grouping, against the events and the request log', { timeout: 120_000 }, async () => {
    const db = gateway.services.database.db;
    const { sql } = await import('drizzle-orm');
    await fc.assert(
      fc.asyncProperty(queryArbitrary(end, span), async (query) => {
        const answer = await get({ ...query.range, timezone: query.timezone, groupBy: query.groupBy });
        expectAnswerAddsUp(answer, events, query.groupBy);
        const from = new Date(Date.parse(answer.range.from)).toISOString();
        const to = new Date(Date.parse(answer.range.to)).toISOString();
        const completion = sql`(at + latency_ms * interval '1 millisecond')`;
        const result = (await db.execute(
          sql`select count(*)::int as requests, count(*) filter (where outcome = 'error')::int as errors, coalesce(sum(greatest(json_array_length(attempts::json) - 1, 0)), 0)::int as failovers,
                     coalesce(sum(prompt_tokens), 0)::int as "inputTokens", coalesce(sum(completion_tokens), 0)::int as "outputTokens", coalesce(sum(cost_usd), 0)::float8 as "costUsd"
              from request_log where ${completion} >= ${from}::timestamptz and ${completion} < ${to}::timestamptz`,
        )) as unknown as Counts[] | { rows: Counts[] };
        // postgres.js answers rows, PGlite an object that holds them
        const [logged] = Array.isArray(result) ? result : result.rows;
        expectSums(answer.totals, { ...logged!, inputTokens: Number(logged!.inputTokens), outputTokens: Number(logged!.outputTokens) }, 'against the request log');
      }),
      { numRuns: 25 },
    );
  });

  it('adds up the same through tRPC, for one model', async () => {
    const answer = await gateway.grove.admin.metrics.summary({ range: '7d', timezone: 'Asia/Kathmandu', model: 'beta', groupBy: 'key' });
    expectAnswerAddsUp(answer, events.filter((event) => modelOf(event) === 'beta'), 'key');
  });
});
