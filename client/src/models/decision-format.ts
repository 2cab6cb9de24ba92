import type { Attempt, LoggedRequest } from '../../../shared/decision';
import { significant } from '../charts/units';
import type { Tone } from '../components/StatusBadge/StatusBadge';

/** A request's cost: 4 significant digits, labelled an estimate (computed from list prices). */
export function formatRequestCost(costUsd: number | null): string {
  if (costUsd === null) return 'no cost recorded';
  return `$${significant(costUsd, 4)} (est.)`;
}

export const EXCLUSION_TEXT: Record<string, string> = {
  lifecycle: 'not active',
  draft_not_allowed: 'draft (invoke keys may not call drafts)',
  no_key: 'no API key configured',
  circuit_open: 'circuit open',
  rate_limited: 'rate limited',
  context_too_small: 'context window too small',
  output_too_large: 'max output tokens too small',
  over_cost_limit: 'over the cost limit',
  over_latency_limit: 'over the latency limit',
  below_minimum: 'below a capability minimum',
  demo_model: 'demo model (outside demo mode)',
};

/** The attempts in order: `sim-flaky error (server) → sim-fast ok`. */
export function formatAttempts(attempts: Attempt[]): string {
  return attempts.map((attempt) => `${attempt.modelId} ${attempt.outcome}${attempt.errorKind ? ` (${attempt.errorKind})` : ''}`).join(' → ');
}

/** Why a request went where it went, in a table cell. */
export function formatRule(rule: string | null): string {
  return rule ? `rule ${rule}` : 'default route';
}

export function outcomeTone(outcome: LoggedRequest['outcome']): Tone {
  return outcome === 'ok' ? 'good' : outcome === 'error' ? 'bad' : 'warn';
}

/** "6 Dec 14:05:09" in the zone: a list of decisions spans days, and requests a second apart differ. */
export function formatDecisionTime(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(epochMs);
}
