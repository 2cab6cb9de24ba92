import { CORE_CAPABILITIES } from '../../../shared/objects';

/** The order of DESIGN.md's Model spec, the one operators know from their YAML files. */
const SPEC_KEYS = ['provider', 'model', 'baseUrl', 'apiKey', 'capabilities', 'contextWindow', 'maxOutputTokens', 'pricing', 'timeoutMs', 'fallbacks', 'aliases', 'lifecycle', 'replacement'];

function rankOf(order: readonly string[], key: string): number {
  const index = order.indexOf(key);
  return index === -1 ? order.length : index;
}

function ordered<T>(record: Record<string, T>, order: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => rankOf(order, a) - rankOf(order, b) || a.localeCompare(b)));
}

/** Capability scores with the five core ones first, in their usual order, then declared ones alphabetically. */
export function orderedCapabilities(capabilities: Record<string, number>): Record<string, number> {
  return ordered(capabilities, CORE_CAPABILITIES);
}

/** A Model spec with its keys in the documented order, for a source view that reads like the docs. */
export function orderedModelSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const result = ordered(spec, SPEC_KEYS);
  const capabilities = result.capabilities;
  if (capabilities && typeof capabilities === 'object') result.capabilities = orderedCapabilities(capabilities as Record<string, number>);
  return result;
}
