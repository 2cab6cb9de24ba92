import type { FeedEvent, FeedGap } from '../../../shared/feeds';
import { formatMetricValue, METRIC_TEXT } from '../alerts/alert-format';
import type { Tone } from '../components/StatusBadge/StatusBadge';

/** One line of the dashboard's event feed: what happened, in words, and where to look at it. */
export interface EventEntry {
  key: string;
  at: string;
  tone: Tone;
  /** a word for the badge: never colour alone */
  label: string;
  text: string;
  /** the page that shows what the event concerns: the decision, the model, the policy or the alert */
  href: string;
  linkText: string;
}

const model = (id: string) => `/models/${encodeURIComponent(id)}`;

function alertValue(event: Extract<FeedEvent, { type: 'alert.fired' | 'alert.resolved' }>): string {
  const scope = event.modelId ? `${event.modelId}: ` : '';
  if (event.value === null) return `${scope}no requests in its window`;
  return `${scope}${METRIC_TEXT[event.metric].label} ${formatMetricValue(event.metric, event.value)} (threshold ${formatMetricValue(event.metric, event.threshold)})`;
}

/** A revision's action (create, update, lifecycle:<to>, rollback:<n>, delete) in words. */
export function actionText(action: string): string {
  const [verb, argument] = action.split(':');
  if (verb === 'lifecycle') return `moved to ${argument}`;
  if (verb === 'rollback') return `rolled back to revision ${argument}`;
  return { create: 'created', update: 'updated', delete: 'deleted' }[verb!] ?? action;
}

/**
 * `id` is the feed's tracked id: unique, so React keys stay stable when entries are added on top.
 * On a fleet, an event of another instance says which.
 */
export function describeEvent(id: string, event: FeedEvent | FeedGap): EventEntry {
  const entry = describeOwnEvent(id, event);
  const peer = event.type === 'feed.gap' ? undefined : event.peerInstance;
  return peer ? { ...entry, text: `${entry.text} · on instance ${peer}` } : entry;
}

function describeOwnEvent(id: string, event: FeedEvent | FeedGap): EventEntry {
  const base = { key: id, at: event.at };
  switch (event.type) {
    case 'failover':
      return { ...base, tone: 'warn', label: 'Failover', text: `${event.from} → ${event.to}: ${event.reason}`, href: `/decisions?id=${encodeURIComponent(event.requestId)}`, linkText: 'Open the decision' };
    case 'circuit.changed':
      return {
        ...base,
        tone: event.to === 'open' ? 'bad' : event.to === 'closed' ? 'good' : 'warn',
        label: `Circuit ${event.to}`,
        text: `${event.modelId}: ${event.from} → ${event.to} (${event.reason})`,
        href: model(event.modelId),
        linkText: `Open ${event.modelId}`,
      };
    case 'model.changed': {
      const lifecycle = event.lifecycle && event.lifecycle.from !== event.lifecycle.to ? `, ${event.lifecycle.from ?? 'new'} → ${event.lifecycle.to ?? 'deleted'}` : '';
      return { ...base, tone: 'neutral', label: 'Model', text: `${event.modelId} ${actionText(event.action)} (revision ${event.revision}${lifecycle}) by ${event.actorKeyId}`, href: model(event.modelId), linkText: `Open ${event.modelId}` };
    }
    case 'policy.changed':
      return { ...base, tone: 'neutral', label: 'Policy', text: `Routing policy ${event.policyId} ${actionText(event.action)} (revision ${event.revision}) by ${event.actorKeyId}`, href: '/routing', linkText: 'Open routing' };
    case 'alert.fired':
      return { ...base, tone: 'bad', label: 'Alert fired', text: `${event.alertId}: ${alertValue(event)}`, href: '/alerts', linkText: 'Open alerts' };
    case 'alert.resolved':
      return { ...base, tone: 'good', label: 'Alert resolved', text: `${event.alertId}: ${alertValue(event)}`, href: '/alerts', linkText: 'Open alerts' };
    case 'feed.gap':
      return { ...base, tone: 'warn', label: 'Gap', text: `Some events may be missing here: ${event.message}`, href: '/decisions', linkText: 'Open decisions' };
  }
}
