import type { EventBus } from '../events';
import type { CommittedChange } from '../registry/registry';

/** A commit of this instance as events: one per Model and RoutingPolicy written, with the acting key. */
export function emitObjectChanges(events: EventBus, changes: CommittedChange[], actorKeyId: string, at = Date.now()): void {
  for (const change of changes) {
    if (change.kind === 'Model') {
      events.emit({ type: 'model.changed', at, modelId: change.id, action: change.action, revision: change.revision, actorKeyId, ...(change.lifecycle ? { lifecycle: change.lifecycle } : {}) });
    } else if (change.kind === 'RoutingPolicy') {
      events.emit({ type: 'policy.changed', at, policyId: change.id, action: change.action, revision: change.revision, actorKeyId });
    }
  }
}
