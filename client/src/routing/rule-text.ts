import type { RouteInput } from '../../../shared/policy';
import { asNames, type ConditionInput } from './policy-edit';

const either = (names: string[]) => names.join(' or ');

/** A rule's `when` in one line, for the collapsed rule card: "task type is summarize and prompt > 50000 tokens". */
export function describeCondition(when: ConditionInput): string {
  const parts: string[] = [];
  if (when.model !== undefined) parts.push(`model is ${either(asNames(when.model)) || '(none given)'}`);
  if (when.taskType !== undefined) parts.push(`task type is ${either(asNames(when.taskType)) || '(none given)'}`);
  if (when.tags?.any) parts.push(`tags include any of ${when.tags.any.join(', ')}`);
  if (when.tags?.all) parts.push(`tags include all of ${when.tags.all.join(', ')}`);
  const tokens = when.promptTokens;
  if (tokens) {
    const bounds = [
      tokens.gt !== undefined && `> ${tokens.gt}`,
      tokens.gte !== undefined && `≥ ${tokens.gte}`,
      tokens.lt !== undefined && `< ${tokens.lt}`,
      tokens.lte !== undefined && `≤ ${tokens.lte}`,
    ].filter(Boolean);
    parts.push(`prompt ${bounds.join(' and ') || '(no bound given)'} tokens`);
  }
  if (when.apiKey !== undefined) parts.push(`API key is ${either(asNames(when.apiKey)) || '(none given)'}`);
  for (const [name, value] of Object.entries(when.headers ?? {})) parts.push(`header ${name || '(unnamed)'} is ${either(asNames(value)) || '(none given)'}`);
  return parts.length ? parts.join(' and ') : 'every request';
}

/** A route in one line: "pinned: claude-sonnet → gemini-flash, chain of 2". */
export function describeRoute(route: RouteInput): string {
  const strategy = route.strategy ?? 'capability';
  let text: string;
  if (strategy === 'pinned') text = `pinned: ${(route.models ?? []).join(' → ') || '(no models)'}`;
  else if (strategy === 'weighted') text = `weighted: ${(route.split ?? []).map((share) => `${share.model} ${share.weight}`).join(', ') || '(no split)'}`;
  else if (strategy === 'capability') {
    const weights = Object.entries(route.weights ?? {});
    text = weights.length ? `best capability fit (${weights.map(([name, weight]) => `${name} ${weight}`).join(', ')})` : 'best capability fit (all five core capabilities)';
  } else text = `${strategy} first`;
  const limits = [
    route.minimums && Object.keys(route.minimums).length > 0 && `minimums ${Object.entries(route.minimums).map(([name, minimum]) => `${name} ≥ ${minimum}`).join(', ')}`,
    route.maxPricePer1M !== undefined && `at most $${route.maxPricePer1M} per 1M tokens`,
    route.maxLatencyMs !== undefined && `latency ≤ ${route.maxLatencyMs} ms`,
    route.chainLength !== undefined && `chain of ${route.chainLength}`,
  ].filter(Boolean);
  return [text, ...limits].join(', ');
}
