import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../client/src/live/event-entries';

const at = '2026-12-06T12:00:00.000Z';

describe('describeEvent', () => {
  it('links a failover to its decision, a circuit or model change to the model, a policy change to routing', () => {
    expect(describeEvent('1', { type: 'failover', at, requestId: 'chatcmpl-a b', from: 'sim-flaky', to: 'sim-sage', reason: 'upstream 503' })).toMatchObject({
      label: 'Failover',
      tone: 'warn',
      text: 'sim-flaky → sim-sage: upstream 503',
      href: '/decisions?id=chatcmpl-a%20b',
    });
    expect(describeEvent('2', { type: 'circuit.changed', at, modelId: 'sim-flaky', from: 'closed', to: 'open', reason: '3 failures' })).toMatchObject({ label: 'Circuit open', tone: 'bad', href: '/models/sim-flaky' });
    expect(describeEvent('3', { type: 'circuit.changed', at, modelId: 'sim-flaky', from: 'half-open', to: 'closed', reason: 'probe answered' })).toMatchObject({ label: 'Circuit closed', tone: 'good' });
    expect(describeEvent('4', { type: 'model.changed', at, modelId: 'gpt', action: 'lifecycle:deprecated', revision: 3, actorKeyId: 'admin', lifecycle: { from: 'active', to: 'deprecated' } })).toMatchObject({
      text: 'gpt moved to deprecated (revision 3, active → deprecated) by admin',
      href: '/models/gpt',
    });
    // a change that leaves the lifecycle alone does not mention it
    expect(describeEvent('5', { type: 'model.changed', at, modelId: 'gpt', action: 'update', revision: 4, actorKeyId: 'admin', lifecycle: { from: 'active', to: 'active' } }).text).toBe('gpt updated (revision 4) by admin');
    expect(describeEvent('6', { type: 'policy.changed', at, policyId: 'default', action: 'rollback:1', revision: 2, actorKeyId: 'admin' })).toMatchObject({ href: '/routing', tone: 'neutral', text: 'Routing policy default rolled back to revision 1 (revision 2) by admin' });
  });

  it('on a fleet, says which other instance an event happened on', () => {
    expect(describeEvent('8', { type: 'failover', at, requestId: 'r1', from: 'a', to: 'b', reason: 'upstream 503', peerInstance: '3f9a0c1d2e4b' }).text).toBe('a → b: upstream 503 · on instance 3f9a0c1d2e4b');
    expect(describeEvent('9', { type: 'alert.fired', at, alertId: 'slow', metric: 'error_rate', value: null, threshold: 0.2, peerInstance: '3f9a0c1d2e4b' }).text).toBe('slow: no requests in its window · on instance 3f9a0c1d2e4b');
  });

  it('says an alert in words with its value and threshold, and a gap as a gap', () => {
    expect(describeEvent('7', { type: 'alert.fired', at, alertId: 'slow', metric: 'p95_latency_ms', modelId: 'gpt', value: 2400, threshold: 2000 })).toMatchObject({
      label: 'Alert fired',
      tone: 'bad',
      text: 'slow: gpt: p95 latency 2,400 ms (threshold 2,000 ms)',
      href: '/alerts',
    });
    expect(describeEvent('8', { type: 'alert.resolved', at, alertId: 'errors', metric: 'error_rate', value: null, threshold: 0.05 }).text).toBe('errors: no requests in its window');
    expect(describeEvent('10', { type: 'alert.fired', at, alertId: 'errors', metric: 'error_rate', value: 0.25, threshold: 0.05 }).text).toBe('errors: error rate 25% (threshold 5%)');
    expect(describeEvent('9', { type: 'feed.gap', at, lastEventId: '12', reason: 'evicted', message: 'the feed moved on' })).toMatchObject({ label: 'Gap', tone: 'warn' });
  });
});
