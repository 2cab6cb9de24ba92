import { z } from 'zod';
import { API_VERSION, CORE_CAPABILITIES, capabilityName, metadataSchema, objectEnvelope, objectId, statusSchema } from './objects';
import type { CapabilityObject, ModelObject } from './objects';
import { finishSteps, ITEMS_PER_STEP, type Steps } from './steps';

/**
 * RoutingPolicy: priority-ordered declarative rules `{ name, priority, when, route }` and a default
 * route. Field names are a public contract (users' YAML files depend on them).
 */

export const STRATEGIES = ['capability', 'cheapest', 'fastest', 'pinned', 'weighted'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const DEFAULT_CHAIN_LENGTH = 3;

const nameOrNames = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(100)]);
const count = z.number().int('must be a whole number').min(0);

const promptTokensConditionSchema = z
  .object({ gt: count.optional(), gte: count.optional(), lt: count.optional(), lte: count.optional() })
  .strict()
  .superRefine((range, ctx) => {
    const bounds = [range.gt, range.gte, range.lt, range.lte].filter((bound) => bound !== undefined);
    if (bounds.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one of gt, gte, lt, lte' });
    const lower = Math.max(range.gt === undefined ? -Infinity : range.gt + 1, range.gte ?? -Infinity);
    const upper = Math.min(range.lt === undefined ? Infinity : range.lt - 1, range.lte ?? Infinity);
    if (lower > upper) ctx.addIssue({ code: 'custom', message: 'no token count satisfies this range' });
  });

const tagsConditionSchema = z
  .object({ any: z.array(z.string().min(1)).min(1).optional(), all: z.array(z.string().min(1)).min(1).optional() })
  .strict()
  .refine((tags) => tags.any !== undefined || tags.all !== undefined, 'needs any or all');

/** Every condition present must hold; a list inside one condition matches any of its entries. */
export const ruleConditionSchema = z
  .object({
    /** the request's `model` as sent (id, alias or `auto`); an id also matches requests naming one of its aliases */
    model: nameOrNames.optional(),
    taskType: nameOrNames.optional(),
    tags: tagsConditionSchema.optional(),
    promptTokens: promptTokensConditionSchema.optional(),
    /** the id of the API key that made the request */
    apiKey: nameOrNames.optional(),
    /** header name (case-insensitive) → exact value, or any of several values */
    headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'invalid header name'), nameOrNames).optional(),
  })
  .strict();
export type RuleCondition = z.output<typeof ruleConditionSchema>;

const weightsSchema = z.record(capabilityName, z.number().min(0, 'weights must not be negative').max(1_000_000));
const minimumsSchema = z.record(capabilityName, z.number().min(0).max(100));

export const routeSchema = z
  .object({
    strategy: z.enum(STRATEGIES).default('capability'),
    weights: weightsSchema.optional(),
    minimums: minimumsSchema.optional(),
    /** pinned: the models to use, in order */
    models: z.array(objectId).min(1).max(32).optional(),
    /** weighted: traffic split; weights are relative (need not sum to 100) */
    split: z.array(z.object({ model: objectId, weight: z.number().min(0, 'weights must not be negative') }).strict()).min(1).max(32).optional(),
    /** compared with the blended price (3 parts input to 1 part output), USD per 1M tokens */
    maxPricePer1M: z.number().min(0).optional(),
    /** compared with the observed p50 latency, when one is known */
    maxLatencyMs: z.number().positive().optional(),
    chainLength: z.number().int().min(1).max(16).default(DEFAULT_CHAIN_LENGTH),
    /**
     * A request that names a model (id or alias) is served by that model and its declared
     * fallbacks only. true: the chain is then filled up to chainLength with this route's best
     * others. `auto` requests always take the route's best models; this does not change them.
     */
    fillChain: z.boolean().optional(),
  })
  .strict()
  .superRefine((route, ctx) => {
    if (route.strategy === 'pinned' && !route.models) ctx.addIssue({ code: 'custom', path: ['models'], message: 'a pinned route must list its models' });
    if (route.strategy === 'weighted') {
      if (!route.split) ctx.addIssue({ code: 'custom', path: ['split'], message: 'a weighted route must give its split' });
      else if (!route.split.some((share) => share.weight > 0)) ctx.addIssue({ code: 'custom', path: ['split'], message: 'at least one weight must be positive' });
    }
    if (route.weights && Object.keys(route.weights).length > 0 && !Object.values(route.weights).some((weight) => weight > 0)) {
      ctx.addIssue({ code: 'custom', path: ['weights'], message: 'at least one weight must be positive' });
    }
    if (route.models && new Set(route.models).size !== route.models.length) ctx.addIssue({ code: 'custom', path: ['models'], message: 'must not repeat a model' });
    if (route.split && new Set(route.split.map((share) => share.model)).size !== route.split.length) {
      ctx.addIssue({ code: 'custom', path: ['split'], message: 'must not repeat a model' });
    }
  });
export type Route = z.output<typeof routeSchema>;
export type RouteInput = z.input<typeof routeSchema>;

export const ruleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1-100 letters, digits, ".", "_" or "-"'),
    priority: z.number().int('must be a whole number'),
    when: ruleConditionSchema,
    route: routeSchema,
  })
  .strict();
export type Rule = z.output<typeof ruleSchema>;

export const routingPolicySpecSchema = z
  .object({
    /** highest priority first wins */
    rules: z.array(ruleSchema).max(1000).default([]),
    default: routeSchema,
  })
  .strict()
  .superRefine((spec, ctx) => {
    const seenNames = new Map<string, number>();
    const seenPriorities = new Map<number, number>();
    spec.rules.forEach((rule, index) => {
      const nameAt = seenNames.get(rule.name);
      if (nameAt !== undefined) ctx.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: `duplicate rule name "${rule.name}" (also rules[${nameAt}])` });
      else seenNames.set(rule.name, index);
      // equal priorities would make "first wins" depend on list order, which YAML round-trips do not promise
      const priorityAt = seenPriorities.get(rule.priority);
      if (priorityAt !== undefined) ctx.addIssue({ code: 'custom', path: ['rules', index, 'priority'], message: `duplicate priority ${rule.priority} (also rules[${priorityAt}])` });
      else seenPriorities.set(rule.priority, index);
    });
  });
export type RoutingPolicySpec = z.output<typeof routingPolicySpecSchema>;
export type RoutingPolicySpecInput = z.input<typeof routingPolicySpecSchema>;

/** The policy in force before an operator applies one: rank every active model by all five core capabilities. */
export const DEFAULT_POLICY_SPEC: RoutingPolicySpec = Object.freeze(routingPolicySpecSchema.parse({ default: {} }));

export const routingPolicyObjectInputSchema = z.object({ ...objectEnvelope, kind: z.literal('RoutingPolicy'), spec: routingPolicySpecSchema }).strict();
export type RoutingPolicyObjectInput = z.input<typeof routingPolicyObjectInputSchema>;

/** A RoutingPolicy as every endpoint returns it. */
export const routingPolicyObjectSchema = z
  .object({ apiVersion: z.literal(API_VERSION), kind: z.literal('RoutingPolicy'), metadata: metadataSchema, spec: routingPolicySpecSchema, status: statusSchema })
  .meta({ id: 'RoutingPolicy' });
export type RoutingPolicyObject = z.output<typeof routingPolicyObjectSchema>;

/** One thing wrong with a policy; `path` is relative to the policy's `spec`. */
export interface PolicyProblem {
  path: (string | number)[];
  message: string;
}

/** The parts of a Model the checks read, so inputs and stored objects both fit. */
export interface ModelReference {
  metadata: Pick<ModelObject['metadata'], 'id'>;
  spec: { aliases?: string[]; fallbacks?: string[]; replacement?: string | null; capabilities?: Record<string, number> };
}
export type CapabilityReference = { metadata: Pick<CapabilityObject['metadata'], 'id'> };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/**
 * Every problem with a policy, structural (the zod schema) and against the registry (unknown
 * models and capabilities). The spec may be malformed: the registry checks walk it defensively,
 * so one answer lists all problems instead of the first.
 */
export function validatePolicyAgainstRegistry(spec: unknown, models: readonly ModelReference[], capabilities: readonly CapabilityReference[]): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const parsed = routingPolicySpecSchema.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)), message: issue.message });
  }
  if (!isRecord(spec)) return problems;

  const modelIds = new Set(models.map((model) => model.metadata.id));
  const requestableNames = new Set<string>(['auto', ...modelIds]);
  const knownCapabilities = new Set<string>([...CORE_CAPABILITIES, ...capabilities.map((capability) => capability.metadata.id)]);
  for (const model of models) {
    for (const alias of model.spec.aliases ?? []) requestableNames.add(alias);
    for (const name of Object.keys(model.spec.capabilities ?? {})) knownCapabilities.add(name);
  }

  const checkRoute = (route: unknown, path: (string | number)[]) => {
    if (!isRecord(route)) return;
    for (const field of ['weights', 'minimums'] as const) {
      const table = route[field];
      if (!isRecord(table)) continue;
      for (const name of Object.keys(table)) {
        if (!knownCapabilities.has(name)) problems.push({ path: [...path, field, name], message: `unknown capability "${name}"` });
      }
    }
    asList(route.models).forEach((name, index) => {
      if (typeof name === 'string' && !modelIds.has(name)) problems.push({ path: [...path, 'models', index], message: `unknown model "${name}"` });
    });
    asList(route.split).forEach((share, index) => {
      if (isRecord(share) && typeof share.model === 'string' && !modelIds.has(share.model)) {
        problems.push({ path: [...path, 'split', index, 'model'], message: `unknown model "${share.model}"` });
      }
    });
  };

  asList(spec.rules).forEach((rule, index) => {
    if (!isRecord(rule)) return;
    const when = rule.when;
    if (isRecord(when)) {
      asList(when.model).forEach((name, nameIndex) => {
        if (typeof name === 'string' && !requestableNames.has(name)) {
          const path = Array.isArray(when.model) ? ['rules', index, 'when', 'model', nameIndex] : ['rules', index, 'when', 'model'];
          problems.push({ path, message: `unknown model or alias "${name}"` });
        }
      });
    }
    checkRoute(rule.route, ['rules', index, 'route']);
  });
  checkRoute(spec.default, ['default']);
  return problems;
}

/**
 * Problems in the models' explicit `fallbacks` and `replacement` links: cycles (reported once per
 * cycle, at the model whose id sorts first) and links to unknown models. Paths are
 * `[modelId, 'spec', field]`.
 */
export function findFallbackCycles(models: readonly ModelReference[]): PolicyProblem[] {
  return finishSteps(fallbackCycleSteps(models));
}

/** findFallbackCycles in steps (./steps.ts). */
export function* fallbackCycleSteps(models: readonly ModelReference[]): Steps<PolicyProblem[]> {
  const problems: PolicyProblem[] = [];
  const byId = new Map(models.map((model) => [model.metadata.id, model]));
  for (const field of ['fallbacks', 'replacement'] as const) {
    const next = (id: string): string[] => {
      const value = byId.get(id)?.spec[field];
      return (Array.isArray(value) ? value : value ? [value] : []).filter((target) => byId.has(target));
    };
    for (const [position, model] of models.entries()) {
      if (position % ITEMS_PER_STEP === 0) yield;
      const id = model.metadata.id;
      const value = model.spec[field];
      for (const target of Array.isArray(value) ? value : value ? [value] : []) {
        if (!byId.has(target)) problems.push({ path: [id, 'spec', field], message: `unknown model "${target}"` });
      }
    }
    const reported = new Set<string>();
    // A cycle never leaves its strongly connected component: only models in a cyclic component
    // are searched, and only within it, so an acyclic registry costs one linear pass however
    // long its chains are (a search from every model was quadratic in a 10,000-model apply).
    const component = yield* cyclicComponents([...byId.keys()], next);
    // depth-first search from each such model; a path that returns to its start is a cycle
    for (const start of [...component.keys()].sort()) {
      yield;
      const own = component.get(start);
      const stack: { id: string; path: string[] }[] = [{ id: start, path: [start] }];
      const visited = new Set<string>();
      while (stack.length > 0) {
        const { id, path } = stack.pop()!;
        for (const target of next(id)) {
          if (component.get(target) !== own) continue;
          if (target === start) {
            const cycle = [...path, start];
            const key = [...path].sort().join(' ');
            if (!reported.has(key)) {
              reported.add(key);
              problems.push({ path: [start, 'spec', field], message: `${field === 'fallbacks' ? 'fallback' : 'replacement'} cycle: ${cycle.join(' → ')}` });
            }
          } else if (!visited.has(target)) {
            visited.add(target);
            stack.push({ id: target, path: [...path, target] });
          }
        }
      }
    }
  }
  return problems;
}

/**
 * The models that lie on some cycle, each mapped to the number of its strongly connected
 * component (Tarjan's algorithm, iterative so that a 10,000-model chain does not overflow the stack).
 */
function* cyclicComponents(ids: readonly string[], next: (id: string) => string[]): Steps<Map<string, number>> {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cyclic = new Map<string, number>();
  let counter = 0;
  let components = 0;
  let visits = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; targets: string[]; position: number }[] = [];
    const enter = (id: string) => {
      index.set(id, counter);
      lowLink.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, targets: next(id), position: 0 });
    };
    enter(root);
    while (work.length > 0) {
      if (++visits % ITEMS_PER_STEP === 0) yield;
      const frame = work[work.length - 1]!;
      if (frame.position < frame.targets.length) {
        const target = frame.targets[frame.position++]!;
        if (!index.has(target)) enter(target);
        else if (onStack.has(target)) lowLink.set(frame.id, Math.min(lowLink.get(frame.id)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.id, Math.min(lowLink.get(parent.id)!, lowLink.get(frame.id)!));
      if (lowLink.get(frame.id) !== index.get(frame.id)) continue;
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.id);
      const selfLoop = members.length === 1 && frame.targets.includes(frame.id);
      if (members.length > 1 || selfLoop) for (const id of members) cyclic.set(id, components);
      components++;
    }
  }
  return cyclic;
}
