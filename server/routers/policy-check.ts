import { routingPolicySpecSchema, validatePolicyAgainstRegistry, type CapabilityReference, type ModelReference, type RoutingPolicySpec } from '../../shared/policy';
import { invalid, pathOf } from '../errors';

/**
 * A RoutingPolicy spec as a caller sent it, checked against the schema and the registry at once,
 * so that one refusal lists every problem (the schema's first refusal would hide the unknown
 * models). `field` is where the spec sits in the caller's input (`spec` for policies.put,
 * `policy` for routing.explain), so each problem's path names the caller's own field.
 */
export function checkedPolicySpec(spec: unknown, registry: { models: readonly ModelReference[]; capabilities: readonly CapabilityReference[] }, field: string): RoutingPolicySpec {
  const problems = validatePolicyAgainstRegistry(spec, registry.models, registry.capabilities);
  if (problems.length) {
    throw invalid(
      problems.map((problem) => ({ path: problem.path.length ? `${field}.${pathOf(problem.path)}`.replace('.[', '[') : field, message: problem.message })),
      'invalid RoutingPolicy',
    );
  }
  return routingPolicySpecSchema.parse(spec);
}
