import type { RoutingPolicySpecInput } from '../../shared/policy';

/**
 * The policy in force until an operator applies a RoutingPolicy named `default`: balanced
 * capability routing, as in DESIGN.md's example default route.
 */
export const DEFAULT_POLICY_SPEC: RoutingPolicySpecInput = {
  rules: [],
  default: { strategy: 'capability', weights: { reasoning: 0.4, precision: 0.3, speed: 0.3 } },
};
