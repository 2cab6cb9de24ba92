import type { Usage } from '../adapters/types';
import type { Pricing } from '../../shared/objects';

/**
 * USD for one answer. Reasoning tokens are part of completionTokens (billed as output); cached
 * prompt tokens are priced as input, since the spec carries no separate cache price.
 */
export function costOf(pricing: Pricing, usage: Usage | undefined): number {
  if (!usage) return 0;
  const cost = (usage.promptTokens * pricing.inputPer1M + usage.completionTokens * pricing.outputPer1M) / 1_000_000;
  return Math.round(cost * 1e10) / 1e10;
}
