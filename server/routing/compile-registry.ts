import { CORE_CAPABILITIES, isDemoModel } from '../../shared/objects';
import type { ModelObject } from '../../shared/objects';
import type { RegistrySnapshot } from './types';
import { finishSteps, ITEMS_PER_STEP, type Steps } from '../../shared/steps';

export const LIFECYCLE_CODE = { draft: 0, active: 1, deprecated: 2, retired: 3 } as const;

/**
 * A registry snapshot indexed for the router: per-model facts in typed arrays aligned by model
 * index, so deciding reads numbers instead of walking objects.
 */
export interface CompiledRegistry {
  snapshot: RegistrySnapshot;
  count: number;
  ids: string[];
  models: readonly ModelObject[];
  indexById: Map<string, number>;
  /** ids and aliases → index; an id wins over another model's alias */
  indexByName: Map<string, number>;
  capabilityIndex: Map<string, number>;
  capabilityNames: string[];
  capabilityCount: number;
  /** count × capabilityCount, row per model; undeclared capabilities hold the Capability's defaultScore */
  scores: Float64Array;
  /** (3 × input + output) / 4, USD per 1M tokens: the usual 3:1 blend of chat traffic */
  blended: Float64Array;
  contextWindow: Float64Array;
  maxOutputTokens: Float64Array;
  lifecycle: Uint8Array;
  hasKey: Uint8Array;
  /** position of the id in sorted order: the last tie-breaker, compared as a number */
  idRank: Uint32Array;
  /** for a retired model, where its replacement chain ends; −1 when broken (unknown or cyclic); else itself */
  servedBy: Int32Array;
  /** declared fallbacks, each already resolved through servedBy (unknown ones dropped) */
  fallbacks: Int32Array[];
  /** active and deprecated models, in id order: the pool automatic routing draws from */
  routable: Int32Array;
  /**
   * Demo mode: there are demo models (DEMO_LABEL) and no other model is usable, i.e. active or
   * deprecated with its key. A property of the snapshot, so that no request has to work it out.
   */
  demoMode: boolean;
  /** 1 for a demo model outside demo mode: it serves only where a request, rule or fallback list names it */
  demoExcluded: Uint8Array;
}

const LOOPBACK = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/;

function needsKey(model: ModelObject): boolean {
  if (model.spec.provider === 'simulated') return false;
  return !(model.spec.provider === 'openai-compatible' && model.spec.baseUrl !== undefined && LOOPBACK.test(model.spec.baseUrl));
}

const cache = new WeakMap<RegistrySnapshot, CompiledRegistry>();

/** Compiles once per snapshot object (cached by identity). */
export function compileRegistry(snapshot: RegistrySnapshot): CompiledRegistry {
  return cache.get(snapshot) ?? finishSteps(compileRegistrySteps(snapshot));
}

/**
 * compileRegistry in steps (shared/steps.ts): the server compiles a new registry of thousands of
 * models this way before swapping it in, while requests go on being served.
 */
export function* compileRegistrySteps(snapshot: RegistrySnapshot): Steps<CompiledRegistry> {
  const models = snapshot.models;
  const count = models.length;
  const ids = models.map((model) => model.metadata.id);
  const indexById = new Map<string, number>();
  const indexByName = new Map<string, number>();
  // filling a map of 10,000 new strings hashes each of them: ~10 ms on a loaded machine, so in steps too
  for (const [index, model] of models.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    indexById.set(model.metadata.id, index);
    for (const alias of model.spec.aliases) if (!indexByName.has(alias)) indexByName.set(alias, index);
  }
  for (const [index, id] of ids.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    indexByName.set(id, index);
  }

  const defaults = new Map<string, number>(CORE_CAPABILITIES.map((name) => [name, 0]));
  for (const capability of snapshot.capabilities) defaults.set(capability.metadata.id, capability.spec.defaultScore);
  for (const [index, model] of models.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    for (const name of Object.keys(model.spec.capabilities)) if (!defaults.has(name)) defaults.set(name, 0);
  }
  const capabilityNames = [...defaults.keys()];
  const capabilityIndex = new Map(capabilityNames.map((name, index) => [name, index]));
  const capabilityCount = capabilityNames.length;

  const scores = new Float64Array(count * capabilityCount);
  const blended = new Float64Array(count);
  const contextWindow = new Float64Array(count);
  const maxOutputTokens = new Float64Array(count);
  const lifecycle = new Uint8Array(count);
  const hasKey = new Uint8Array(count);
  for (const [index, model] of models.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    const declared: Record<string, number | undefined> = model.spec.capabilities;
    capabilityNames.forEach((name, column) => {
      scores[index * capabilityCount + column] = declared[name] ?? defaults.get(name) ?? 0;
    });
    blended[index] = (3 * model.spec.pricing.inputPer1M + model.spec.pricing.outputPer1M) / 4;
    contextWindow[index] = model.spec.contextWindow;
    maxOutputTokens[index] = model.spec.maxOutputTokens;
    lifecycle[index] = LIFECYCLE_CODE[model.spec.lifecycle];
    hasKey[index] = !needsKey(model) || !snapshot.modelsWithKey || snapshot.modelsWithKey.has(model.metadata.id) ? 1 : 0;
  }
  yield;

  // one sort of 10,000 ids (a few ms) cannot be cut into steps; everything around it is
  const sortedIds = ids.map((id, index) => ({ id, index })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  yield;
  const idRank = new Uint32Array(count);
  sortedIds.forEach((entry, rank) => (idRank[entry.index] = rank));

  yield;
  const servedBy = new Int32Array(count);
  for (let index = 0; index < count; index++) {
    if (index % ITEMS_PER_STEP === 0) yield;
    let current = index;
    const seen = new Set<number>();
    while (current >= 0 && lifecycle[current] === LIFECYCLE_CODE.retired) {
      if (seen.has(current)) {
        current = -1;
        break;
      }
      seen.add(current);
      const replacement = models[current]?.spec.replacement;
      current = replacement ? (indexById.get(replacement) ?? -1) : -1;
    }
    servedBy[index] = current;
  }

  const fallbacks: Int32Array[] = [];
  for (const [index, model] of models.entries()) {
    if (index % ITEMS_PER_STEP === 0) yield;
    const resolved: number[] = [];
    for (const id of model.spec.fallbacks) {
      const target = indexById.get(id);
      const served = target === undefined ? -1 : (servedBy[target] ?? -1);
      if (served >= 0) resolved.push(served);
    }
    fallbacks.push(Int32Array.from(resolved));
  }
  yield;

  const routable = Int32Array.from(
    sortedIds.filter((entry) => lifecycle[entry.index] === LIFECYCLE_CODE.active || lifecycle[entry.index] === LIFECYCLE_CODE.deprecated).map((entry) => entry.index),
  );

  yield;
  const demo = Uint8Array.from(models, (model) => (isDemoModel(model) ? 1 : 0));
  yield;
  const demoMode = demo.includes(1) && !models.some((_, index) => demo[index] === 0 && hasKey[index] === 1 && (lifecycle[index] === LIFECYCLE_CODE.active || lifecycle[index] === LIFECYCLE_CODE.deprecated));
  const demoExcluded = demoMode ? new Uint8Array(count) : demo;

  const compiled: CompiledRegistry = {
    snapshot,
    count,
    ids,
    models,
    indexById,
    indexByName,
    capabilityIndex,
    capabilityNames,
    capabilityCount,
    scores,
    blended,
    contextWindow,
    maxOutputTokens,
    lifecycle,
    hasKey,
    idRank,
    servedBy,
    fallbacks,
    routable,
    demoMode,
    demoExcluded,
  };
  cache.set(snapshot, compiled);
  return compiled;
}
