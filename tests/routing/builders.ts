import { DEMO_LABEL } from '../../shared/objects';
import type { CapabilityObject, ModelObject, ModelSpec } from '../../shared/objects';
import type { RouteInput, RoutingPolicySpecInput } from '../../shared/policy';
import type { RegistrySnapshot, RoutingRequest } from '../../server/routing/types';

const STATUS = { revision: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

type ModelOverrides = Partial<Omit<ModelSpec, 'capabilities'>> & { capabilities?: Partial<ModelSpec['capabilities']> };

/** A simulated, active model scoring 50 everywhere, priced 1 / 1 per 1M, unless overridden. */
export function model(id: string, overrides: ModelOverrides = {}): ModelObject {
  const { capabilities, ...rest } = overrides;
  return {
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id },
    spec: {
      provider: 'simulated',
      model: id,
      contextWindow: 100_000,
      maxOutputTokens: 4_000,
      pricing: { inputPer1M: 1, outputPer1M: 1 },
      timeoutMs: 60_000,
      fallbacks: [],
      aliases: [],
      lifecycle: 'active',
      replacement: null,
      ...rest,
      capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50, ...capabilities } as ModelSpec['capabilities'],
    },
    status: STATUS,
  };
}

/** A demo model (labelled as the seed labels sim-sage, sim-swift and sim-flaky), simulated like model(). */
export function demoModel(id: string, overrides: ModelOverrides = {}): ModelObject {
  const built = model(id, overrides);
  return { ...built, metadata: { ...built.metadata, labels: { [DEMO_LABEL]: 'true' } } };
}

export function capability(id: string, defaultScore = 0): CapabilityObject {
  return { apiVersion: 'grove/v1', kind: 'Capability', metadata: { id }, spec: { defaultScore }, status: STATUS };
}

export function registry(models: ModelObject[], extra: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return { models, capabilities: [], ...extra };
}

export function request(overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  return { id: 'request-1', model: 'auto', promptTokens: 100, requirements: {}, scope: 'invoke', ...overrides };
}

export function policy(defaultRoute: RouteInput = {}, rules: RoutingPolicySpecInput['rules'] = []): RoutingPolicySpecInput {
  return { rules, default: defaultRoute };
}
