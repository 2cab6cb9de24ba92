import { pathToFileURL } from 'node:url';
import { decide } from '../server/routing/decide';
import { explainCandidates } from '../server/routing/explain';
import type { HealthSnapshot, RegistrySnapshot, RoutingRequest } from '../server/routing/types';
import type { ModelObject } from '../shared/objects';
import type { Rule, RouteInput, RoutingPolicySpecInput } from '../shared/policy';

/**
 * Decision time of the pure routing core over a synthetic registry: p50 / p99 in microseconds,
 * measured call by call. Run: `npx tsx bench/decide.ts`.
 */

/** mulberry32: a fixed seed keeps runs comparable */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUS = { revision: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

function syntheticModels(count: number, next: () => number): ModelObject[] {
  const score = () => Math.floor(next() * 101);
  return Array.from({ length: count }, (_, index): ModelObject => {
    const roll = next();
    const lifecycle = roll < 0.03 ? 'draft' : roll < 0.06 ? 'retired' : roll < 0.12 ? 'deprecated' : 'active';
    return {
      apiVersion: 'grove/v1',
      kind: 'Model',
      metadata: { id: `model-${index}` },
      spec: {
        provider: index % 3 === 0 ? 'anthropic' : 'simulated',
        model: `upstream-${index}`,
        capabilities: { reasoning: score(), creativity: score(), precision: score(), speed: score(), context: score() },
        contextWindow: [8_000, 32_000, 128_000, 200_000, 1_000_000][index % 5] ?? 8_000,
        maxOutputTokens: 4_000,
        pricing: { inputPer1M: Math.round(next() * 1500) / 100, outputPer1M: Math.round(next() * 7500) / 100 },
        timeoutMs: 60_000,
        fallbacks: index > 2 && next() < 0.3 ? [`model-${index - 1}`, `model-${index - 2}`] : [],
        aliases: [`alias-${index}`],
        lifecycle,
        replacement: lifecycle === 'retired' ? `model-${(index + 1) % count}` : null,
      },
      status: STATUS,
    };
  });
}

function syntheticRules(count: number, modelCount: number, next: () => number): Rule[] {
  const anyModel = () => `model-${Math.floor(next() * modelCount)}`;
  const routes: (() => RouteInput)[] = [
    () => ({ strategy: 'capability', weights: { reasoning: next(), precision: next(), speed: next() }, minimums: { context: Math.floor(next() * 40) } }),
    () => ({ strategy: 'cheapest', minimums: { reasoning: Math.floor(next() * 50) } }),
    () => ({ strategy: 'fastest', maxLatencyMs: 2_000 }),
    () => ({ strategy: 'pinned', models: [anyModel(), anyModel()].filter((id, at, all) => all.indexOf(id) === at) }),
    () => ({ strategy: 'weighted', split: [{ model: `model-${modelCount - 1}`, weight: 90 }, { model: `model-${modelCount - 2}`, weight: 10 }] }),
  ];
  return Array.from({ length: count }, (_, index): Rule => {
    const kind = index % 5;
    const when =
      kind === 0 ? { taskType: `task-${index}` }
      : kind === 1 ? { tags: { any: [`tag-${index}`] } }
      : kind === 2 ? { apiKey: `key-${index}` }
      : kind === 3 ? { headers: { 'x-team': `team-${index}` } }
      : { model: `alias-${index % modelCount}`, promptTokens: { gt: 1_000 } };
    return { name: `rule-${index}`, priority: count - index, when, route: { chainLength: 3, ...routes[index % routes.length]!() } as Rule['route'] };
  });
}

function syntheticHealth(models: ModelObject[], next: () => number): HealthSnapshot {
  const health: Record<string, HealthSnapshot[string]> = {};
  for (const entry of models) {
    const roll = next();
    if (roll < 0.5) health[entry.metadata.id] = { circuit: roll < 0.02 ? 'open' : roll < 0.04 ? 'half-open' : 'closed', p50LatencyMs: Math.round(100 + next() * 3000), errorRate: next() * 0.05 };
  }
  return health;
}

function syntheticRequests(modelCount: number, ruleCount: number, next: () => number): RoutingRequest[] {
  return Array.from({ length: 512 }, (_, index): RoutingRequest => {
    const roll = next();
    // mostly requests no rule matches: the worst case, every rule is checked
    const requirements = roll < 0.1 ? { taskType: `task-${Math.floor(next() * ruleCount)}` } : roll < 0.15 ? { tags: ['misc'] } : {};
    return {
      id: `request-${index}`,
      model: roll > 0.8 ? `alias-${Math.floor(next() * modelCount)}` : 'auto',
      promptTokens: Math.floor(next() * 20_000),
      maxTokens: 1_000,
      requirements,
      apiKeyId: 'key-none',
      headers: { 'x-team': 'team-none' },
      scope: 'invoke',
    };
  });
}

export interface BenchDecideOptions {
  models: number;
  rules: number;
  iterations: number;
  /** also read every decision's candidates list (the lazily built explanation) */
  withCandidates?: boolean;
  /**
   * requests bring their own capability weights: `profiles` from a few fixed sets (memoised after
   * the first), `unique` new ones every time (one pass over the pool, no cached order)
   */
  requestWeights?: 'none' | 'profiles' | 'unique';
}

export function benchDecide({ models: modelCount, rules: ruleCount, iterations, withCandidates = false, requestWeights = 'none' }: BenchDecideOptions): { p50Us: number; p99Us: number } {
  const next = random(42);
  const models = syntheticModels(modelCount, next);
  const modelsWithKey = new Set(models.filter((_, index) => index % 6 !== 0).map((entry) => entry.metadata.id));
  const registry: RegistrySnapshot = { models, capabilities: [], modelsWithKey };
  const policy: RoutingPolicySpecInput = {
    rules: syntheticRules(ruleCount, modelCount, next),
    default: { strategy: 'capability', weights: { reasoning: 0.4, precision: 0.3, speed: 0.3 }, maxPricePer1M: 20 },
  };
  const health = syntheticHealth(models, next);
  const requests = syntheticRequests(modelCount, ruleCount, next).map((request) =>
    requestWeights === 'none'
      ? request
      : {
          ...request,
          requirements: {
            ...request.requirements,
            weights: requestWeights === 'unique' ? { reasoning: next(), speed: next() } : { reasoning: 1 + Math.floor(next() * 4), speed: 1 + Math.floor(next() * 2) },
          },
        },
  );
  const options = { now: Date.parse('2026-06-01T00:00:00Z') };

  let sink = 0;
  const run = (request: RoutingRequest) => {
    const decision = decide(request, registry, health, policy, options);
    sink += decision.chain.length + (withCandidates ? explainCandidates(decision).length : 0);
  };
  // warm up: compiles the caches and lets the JIT optimise
  for (let at = 0; at < Math.min(iterations, 20_000); at++) run(requests[at % requests.length]!);

  const samples = new Float64Array(iterations);
  for (let at = 0; at < iterations; at++) {
    const request = requests[at % requests.length]!;
    const start = process.hrtime.bigint();
    run(request);
    samples[at] = Number(process.hrtime.bigint() - start) / 1000;
  }
  if (sink < 0) console.log(sink);
  samples.sort();
  const percentile = (p: number) => Math.round((samples[Math.min(iterations - 1, Math.floor(iterations * p))] ?? 0) * 100) / 100;
  return { p50Us: percentile(0.5), p99Us: percentile(0.99) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('decide(): 200 rules, most requests matching none of them');
  for (const models of [10, 100, 1000]) {
    const result = benchDecide({ models, rules: 200, iterations: 100_000 });
    console.log(`  ${String(models).padStart(4)} models  p50 ${result.p50Us} µs  p99 ${result.p99Us} µs`);
  }
  for (const requestWeights of ['profiles', 'unique'] as const) {
    console.log(`decide() with per-request weights: ${requestWeights === 'profiles' ? '8 recurring profiles' : 'new ones on every request (one pass, no cached order)'}`);
    for (const models of [10, 100, 1000]) {
      const result = benchDecide({ models, rules: 200, iterations: 50_000, requestWeights });
      console.log(`  ${String(models).padStart(4)} models  p50 ${result.p50Us} µs  p99 ${result.p99Us} µs`);
    }
  }
  console.log('decide() + explainCandidates(decision) (the full explanation)');
  for (const models of [10, 100, 1000]) {
    const result = benchDecide({ models, rules: 200, iterations: 5_000, withCandidates: true });
    console.log(`  ${String(models).padStart(4)} models  p50 ${result.p50Us} µs  p99 ${result.p99Us} µs`);
  }
}
