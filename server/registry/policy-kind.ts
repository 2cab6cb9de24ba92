import { fallbackCycleSteps, routingPolicyObjectInputSchema, validatePolicyAgainstRegistry, type ModelReference } from '../../shared/policy';
import { pathOf, type Problem } from '../errors';
import { finishSteps, type Steps } from '../../shared/steps';
import { kindHandler, registerKind, type ProspectiveRegistry } from './kinds';
import type { StoredObject } from './repository';

/**
 * RoutingPolicy objects, validated as a whole against the registry they would route over: an
 * invalid policy is refused with every problem listed, and the policy in force stays in force.
 */
registerKind('RoutingPolicy', {
  schema: routingPolicyObjectInputSchema,
  check(object, registry) {
    const models = registry.all('Model') as unknown as ModelReference[];
    const capabilities = registry.all('Capability').map((capability) => ({ metadata: { id: capability.id } }));
    return validatePolicyAgainstRegistry(object.spec, models, capabilities).map((problem) => ({ path: `spec.${pathOf(problem.path)}`.replace('.[', '['), message: problem.message }));
  },
  referencedBy() {
    return [];
  },
  checkInvalid(spec, registry) {
    return this.check({ kind: 'RoutingPolicy', id: '', metadata: { id: '' }, spec: spec as Record<string, unknown>, revision: 0, createdAt: '', updatedAt: '' }, registry);
  },
});

/** Models may not form cycles through their explicit fallbacks or replacements. */
const modelHandler = kindHandler('Model')!;
const modelCheck = modelHandler.check;
registerKind('Model', {
  ...modelHandler,
  *prepare(registry: ProspectiveRegistry) {
    yield* modelHandler.prepare!(registry);
    const cycles = yield* cyclesByMember(registry.all('Model') as unknown as ModelReference[]);
    registry.memo('model-cycles', () => cycles);
  },
  check(object: StoredObject, registry: ProspectiveRegistry): Problem[] {
    const cycles = registry.memo('model-cycles', () => finishSteps(cyclesByMember(registry.all('Model') as unknown as ModelReference[])));
    return [...modelCheck(object, registry), ...(cycles.get(object.id) ?? [])];
  },
  referencedBy(id, registry) {
    const policies = registry
      .all('RoutingPolicy')
      .filter((policy) => JSON.stringify(policy.spec).includes(`"${id}"`))
      .map((policy) => `RoutingPolicy/${policy.id}`);
    return [...modelHandler.referencedBy(id, registry), ...policies];
  },
});

/** The fallback and replacement cycles of the registry, found once, listed under each model on them. */
function* cyclesByMember(models: ModelReference[]): Steps<Map<string, Problem[]>> {
  const byMember = new Map<string, Problem[]>();
  for (const problem of yield* fallbackCycleSteps(models)) {
    if (!problem.message.includes('cycle:')) continue;
    const members = new Set((problem.message.split(': ')[1] ?? '').split(' → '));
    for (const id of members) {
      if (!byMember.has(id)) byMember.set(id, []);
      byMember.get(id)!.push({ path: pathOf(problem.path.slice(1)), message: problem.message });
    }
  }
  return byMember;
}
