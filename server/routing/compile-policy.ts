import type { RoutingPolicySpecInput } from '../../shared/policy';
import type { CompiledRegistry } from './compile-registry';
import { compileRoute } from './compile-route';
import type { CompiledRoute } from './compile-route';
import type { RoutingRequest } from './types';

export interface CompiledRule {
  name: string;
  priority: number;
  /** what a decision shows of the rule; shared by every decision, so frozen */
  reference: Readonly<{ name: string; priority: number }>;
  route: CompiledRoute;
  /** requested names resolved to model ids where they resolve (so an id also matches its aliases) */
  models: Set<string> | null;
  taskTypes: Set<string> | null;
  tagsAny: readonly string[] | null;
  tagsAll: readonly string[] | null;
  /** prompt-token bounds; ±Infinity when absent */
  gt: number;
  gte: number;
  lt: number;
  lte: number;
  apiKeys: Set<string> | null;
  headers: [string, Set<string>][] | null;
}

/**
 * Rule positions by the value of one condition each rule has (model, else task type, API key,
 * header, tag), so a request checks the few rules that could match instead of all of them.
 * Each list is in priority order.
 */
interface RuleIndex {
  unindexed: number[];
  byModel: Map<string, number[]>;
  byTaskType: Map<string, number[]>;
  byApiKey: Map<string, number[]>;
  byHeader: Map<string, Map<string, number[]>>;
  byTag: Map<string, number[]>;
}

export interface CompiledPolicy {
  /** highest priority first */
  rules: CompiledRule[];
  index: RuleIndex;
  defaultRoute: CompiledRoute;
}

function addTo(map: Map<string, number[]>, keys: Iterable<string>, position: number) {
  for (const key of keys) {
    const list = map.get(key);
    if (!list) map.set(key, [position]);
    else if (list[list.length - 1] !== position) list.push(position);
  }
}

function indexRules(rules: readonly CompiledRule[]): RuleIndex {
  const index: RuleIndex = { unindexed: [], byModel: new Map(), byTaskType: new Map(), byApiKey: new Map(), byHeader: new Map(), byTag: new Map() };
  rules.forEach((rule, position) => {
    const header = rule.headers?.[0];
    if (rule.models) addTo(index.byModel, rule.models, position);
    else if (rule.taskTypes) addTo(index.byTaskType, rule.taskTypes, position);
    else if (rule.apiKeys) addTo(index.byApiKey, rule.apiKeys, position);
    else if (header) {
      let byValue = index.byHeader.get(header[0]);
      if (!byValue) index.byHeader.set(header[0], (byValue = new Map()));
      addTo(byValue, header[1], position);
    }
    // a request matching `all` has the first of them, one matching `any` has one of them
    else if (rule.tagsAll) addTo(index.byTag, rule.tagsAll.slice(0, 1), position);
    else if (rule.tagsAny) addTo(index.byTag, rule.tagsAny, position);
    else index.unindexed.push(position);
  });
  return index;
}

const toSet = (value: string | string[] | undefined) => (value === undefined ? null : new Set(Array.isArray(value) ? value : [value]));

/** The id a requested name resolves to (before retired → replacement), else the name itself. */
export function canonicalName(registry: CompiledRegistry, name: string): string {
  const index = registry.indexByName.get(name);
  return index === undefined ? name : (registry.ids[index] ?? name);
}

const cache = new WeakMap<CompiledRegistry, WeakMap<RoutingPolicySpecInput, CompiledPolicy>>();

/** Compiles once per (registry, policy) pair of objects; both are treated as immutable. */
export function compilePolicy(registry: CompiledRegistry, policy: RoutingPolicySpecInput): CompiledPolicy {
  let byPolicy = cache.get(registry);
  if (!byPolicy) cache.set(registry, (byPolicy = new WeakMap()));
  const cached = byPolicy.get(policy);
  if (cached) return cached;

  const rules = (policy.rules ?? []).map((rule): CompiledRule => {
    const when = rule.when;
    const models = toSet(when.model);
    return {
      name: rule.name,
      priority: rule.priority,
      reference: Object.freeze({ name: rule.name, priority: rule.priority }),
      route: compileRoute(registry, rule.route),
      models: models && new Set([...models].map((name) => canonicalName(registry, name))),
      taskTypes: toSet(when.taskType),
      tagsAny: when.tags?.any ?? null,
      tagsAll: when.tags?.all ?? null,
      gt: when.promptTokens?.gt ?? -Infinity,
      gte: when.promptTokens?.gte ?? -Infinity,
      lt: when.promptTokens?.lt ?? Infinity,
      lte: when.promptTokens?.lte ?? Infinity,
      apiKeys: toSet(when.apiKey),
      headers: when.headers
        ? Object.entries(when.headers).map(([name, value]): [string, Set<string>] => [name.toLowerCase(), toSet(value) ?? new Set()])
        : null,
    };
  });
  // stable sort: equal priorities (rejected by validation) keep their listed order
  rules.sort((a, b) => b.priority - a.priority);
  const compiled: CompiledPolicy = { rules, index: indexRules(rules), defaultRoute: compileRoute(registry, policy.default) };
  byPolicy.set(policy, compiled);
  return compiled;
}

/** Whether every condition of the rule holds for the request. */
export function ruleMatches(rule: CompiledRule, request: RoutingRequest, requestedName: string): boolean {
  const tokens = request.promptTokens;
  if (!(tokens > rule.gt && tokens >= rule.gte && tokens < rule.lt && tokens <= rule.lte)) return false;
  if (rule.models !== null && !rule.models.has(requestedName)) return false;
  const requirements = request.requirements;
  if (rule.taskTypes !== null && (requirements.taskType === undefined || !rule.taskTypes.has(requirements.taskType))) return false;
  if (rule.apiKeys !== null && (request.apiKeyId === undefined || !rule.apiKeys.has(request.apiKeyId))) return false;
  if (rule.tagsAny !== null || rule.tagsAll !== null) {
    const tags = requirements.tags ?? [];
    if (rule.tagsAny !== null && !rule.tagsAny.some((tag) => tags.includes(tag))) return false;
    if (rule.tagsAll !== null && !rule.tagsAll.every((tag) => tags.includes(tag))) return false;
  }
  if (rule.headers !== null) {
    const headers = request.headers ?? {};
    for (const [name, values] of rule.headers) {
      const value = headers[name];
      if (value === undefined || !values.has(value)) return false;
    }
  }
  return true;
}

/** The first position in a priority-ordered list, before `best`, whose rule matches; else `best`. */
function firstMatch(rules: readonly CompiledRule[], positions: readonly number[] | undefined, best: number, request: RoutingRequest, requestedName: string): number {
  if (positions === undefined) return best;
  for (const position of positions) {
    if (position >= best) return best;
    if (ruleMatches(rules[position]!, request, requestedName)) return position;
  }
  return best;
}

/** The first rule, by priority, whose every condition holds; null means the default route. */
export function matchRule(policy: CompiledPolicy, request: RoutingRequest, requestedName: string): CompiledRule | null {
  const { rules, index } = policy;
  let best = firstMatch(rules, index.unindexed, rules.length, request, requestedName);
  best = firstMatch(rules, index.byModel.get(requestedName), best, request, requestedName);
  const { taskType, tags } = request.requirements;
  if (taskType !== undefined) best = firstMatch(rules, index.byTaskType.get(taskType), best, request, requestedName);
  if (request.apiKeyId !== undefined) best = firstMatch(rules, index.byApiKey.get(request.apiKeyId), best, request, requestedName);
  if (request.headers !== undefined && index.byHeader.size > 0) {
    for (const [name, byValue] of index.byHeader) {
      const value = request.headers[name];
      if (value !== undefined) best = firstMatch(rules, byValue.get(value), best, request, requestedName);
    }
  }
  if (tags !== undefined && index.byTag.size > 0) for (const tag of tags) best = firstMatch(rules, index.byTag.get(tag), best, request, requestedName);
  return rules[best] ?? null;
}
