import type { z } from 'zod';
import type { AlertHistoryEntry, AlertRuleObject, alertStatusSchema, AlertTransition } from '../../shared/alerts';
import type { EventBus } from '../events';
import type { Registry } from '../registry/registry';
import type { MetricsAggregator } from '../telemetry/aggregator';
import { evaluateAlerts, stateName, type AlertEvent, type RuleState, type RuleToEvaluate } from './evaluate';
import { FleetAlerts, type FleetAlertMessage } from './fleet-alerts';
import type { WebhookSender, WebhookTarget } from './webhook-sender';

/** fires and resolves kept for `alerts.list`, newest first */
const HISTORY_SIZE = 200;

export type AlertStatus = z.output<typeof alertStatusSchema>;

/**
 * The impure shell around the evaluator: every second (from the telemetry tick) it evaluates the
 * registry's AlertRules over the aggregator's live windows — this instance's own figures, never
 * the database — keeps each rule's state and the recent fires and resolves, and emits them as
 * events. The webhook is sent by the events' consumer (`notify`, wired in wire-events.ts). Peers on
 * the same PostgreSQL hear of each change (`onAnnounce`, server/alerts/alert-sync.ts) and this
 * instance of theirs (`receivePeer`).
 */
export class Alerts {
  private states: ReadonlyMap<string, RuleState> = new Map();
  private readonly history: AlertHistoryEntry[] = [];
  /** each rule's webhook as last seen, so that a rule deleted while firing still tells its target it resolved */
  private targets = new Map<string, WebhookTarget>();
  private readonly fleet = new FleetAlerts();
  private announce: ((message: FleetAlertMessage) => void) | undefined;

  constructor(
    private readonly registry: Pick<Registry, 'list' | 'snapshot'>,
    private readonly events: Pick<EventBus, 'emit'>,
    private readonly webhooks: Pick<WebhookSender, 'enqueue'>,
    readonly instanceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  evaluate(now: number, aggregator: Pick<MetricsAggregator, 'windowFigures' | 'totals'>): void {
    const rules = this.registry.list('AlertRule');
    const targets = new Map<string, WebhookTarget>();
    for (const rule of rules) {
      if (rule.spec.webhook) targets.set(rule.metadata.id, { url: rule.spec.webhook.url, headers: this.registry.snapshot.webhookHeaders.get(rule.metadata.id) ?? {} });
    }
    const inputs = { figures: (seconds: number, model: string | undefined, latency: boolean) => aggregator.windowFigures(now, seconds, model, latency), circuits: aggregator.totals.circuits };
    const { states, events } = evaluateAlerts(rules.map(toEvaluate), inputs, this.states, now);
    this.states = states;
    // a rule deleted while firing still tells its target that it resolved: its target is kept
    // for this round's events (the bus is synchronous: notify runs inside emit)
    for (const [id, target] of this.targets) if (!targets.has(id)) targets.set(id, target);
    this.targets = targets;
    for (const event of events) {
      this.record(event, this.instanceId);
      this.events.emit(event);
    }
    for (const id of targets.keys()) if (!states.has(id)) targets.delete(id);
    if (events.length > 0) this.announce?.(this.message(now, events));
  }

  /** An alert event's webhook, sent off the data plane (the sender only queues it). */
  notify(event: AlertEvent): void {
    const target = this.targets.get(event.alertId);
    if (target) this.webhooks.enqueue(target, transitionOf(event));
  }

  /** Told of every change of this instance's alerts, with all that fire here (the fleet's transport). */
  onAnnounce(announce: (message: FleetAlertMessage) => void): void {
    this.announce = announce;
  }

  /** What fires here now, and `transitions` (what changed), as peers are told it. */
  message(now = this.now(), transitions: AlertEvent[] = []): FleetAlertMessage {
    const firing = [...this.states].filter(([, state]) => state.firing).map(([alertId, state]) => ({ alertId, value: state.value, since: state.since }));
    return { instance: this.instanceId, at: now, firing, transitions };
  }

  /** A peer's alerts: its firing rules replace what it said before; its changes join the history and the bus. */
  receivePeer(message: FleetAlertMessage, now = this.now()): void {
    if (message.instance === this.instanceId) return;
    this.fleet.receive(message, now);
    for (const transition of message.transitions) {
      const event = { ...transition, peerInstance: message.instance };
      this.record(event, message.instance);
      this.events.emit(event);
    }
  }

  /** Every rule with its current state here and where it fires in the fleet, and the latest fires and resolves. */
  list(now = this.now()): { items: AlertStatus[]; instance: string; history: AlertHistoryEntry[] } {
    const elsewhere = this.fleet.firing(now);
    const items = this.registry
      .list('AlertRule')
      .map((rule): AlertStatus => {
        const id = rule.metadata.id;
        const state = this.states.get(id);
        const { metric, model, comparator, threshold, windowSeconds, forSeconds } = rule.spec;
        const here = state?.firing ? [{ instance: this.instanceId, value: state.value, since: new Date(state.since).toISOString() }] : [];
        return {
          alert: id,
          metric,
          model: model ?? null,
          comparator,
          threshold,
          windowSeconds,
          forSeconds,
          state: state ? stateName(state) : 'ok',
          value: state?.value ?? null,
          since: state ? new Date(state.since).toISOString() : null,
          firingOn: [...here, ...(elsewhere.get(id) ?? [])],
        };
      })
      .sort((a, b) => (a.alert < b.alert ? -1 : a.alert > b.alert ? 1 : 0));
    return { items, instance: this.instanceId, history: [...this.history] };
  }

  private record(event: AlertEvent, instance: string): void {
    this.history.unshift({ ...transitionOf(event), instance });
    if (this.history.length > HISTORY_SIZE) this.history.pop();
  }
}

function toEvaluate(rule: AlertRuleObject): RuleToEvaluate {
  const { metric, model, comparator, threshold, windowSeconds, forSeconds } = rule.spec;
  return { id: rule.metadata.id, metric, ...(model === undefined ? {} : { model }), comparator, threshold, windowSeconds, forSeconds };
}

/** An alert event as the history, the API and the webhook tell it. */
export function transitionOf(event: AlertEvent): AlertTransition {
  return {
    alert: event.alertId,
    state: event.type === 'alert.fired' ? 'firing' : 'resolved',
    metric: event.metric,
    model: event.modelId ?? null,
    value: event.value,
    threshold: event.threshold,
    at: new Date(event.at).toISOString(),
  };
}
