import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type GroveEvent } from '../../server/events';
import { startFakeAnthropic, type FakeUpstream } from '../fakes';
import { gatewayModel, hello, postJson, refusedUrl, routingPolicy, startGateway, type GatewayHarness } from '../support/gateway';
import { waitFor } from '../support/wait-for';

const circuitChanged = (modelId: string): GroveEvent => ({ type: 'circuit.changed', at: 0, modelId, from: 'closed', to: 'open', reason: 'test' });

describe('the event bus', () => {
  it('hands every event to every listener; one that throws is reported and the others still hear it', () => {
    const reported: Array<{ error: unknown; event: GroveEvent }> = [];
    const bus = new EventBus((error, event) => reported.push({ error, event }));
    const heard: string[] = [];
    bus.on((event) => heard.push(`first:${(event as { modelId: string }).modelId}`));
    bus.on(() => {
      throw new Error('consumer broke');
    });
    bus.on((event) => heard.push(`third:${(event as { modelId: string }).modelId}`));
    expect(() => bus.emit(circuitChanged('m1'))).not.toThrow();
    expect(heard).toEqual(['first:m1', 'third:m1']);
    expect(reported).toHaveLength(1);
    expect((reported[0]!.error as Error).message).toBe('consumer broke');
    expect(reported[0]!.event).toMatchObject({ type: 'circuit.changed', modelId: 'm1' });
  });

  it('never lets a failing reporter reach the producer', () => {
    const bus = new EventBus(() => {
      throw new Error('reporter broke too');
    });
    bus.on(() => {
      throw new Error('consumer broke');
    });
    expect(() => bus.emit(circuitChanged('m2'))).not.toThrow();
  });

  it('stops handing events to a listener once it is removed, even during a fan-out', () => {
    const bus = new EventBus();
    const heard: string[] = [];
    let removeSecond = () => {};
    bus.on(() => {
      heard.push('first');
      removeSecond();
    });
    removeSecond = bus.on(() => heard.push('second'));
    bus.emit(circuitChanged('m3'));
    bus.emit(circuitChanged('m3'));
    // the fan-out that removed it had already started with it
    expect(heard).toEqual(['first', 'second', 'first']);
  });
});

describe('events from a running Grove', () => {
  let gateway: GatewayHarness;
  let backup: FakeUpstream;
  const seen: GroveEvent[] = [];

  beforeAll(async () => {
    backup = await startFakeAnthropic();
    gateway = await startGateway();
    gateway.services.events.on((event) => {
      if (event.type !== 'metrics.tick') seen.push(event);
    });
    await gateway.apply(gatewayModel('bus-backup', 'anthropic', backup.url), gatewayModel('bus-primary', 'openai-compatible', await refusedUrl('/v1'), { fallbacks: ['bus-backup'] }));
  });
  afterAll(async () => {
    await gateway?.close();
    await backup?.close();
  });

  it('tells a failed attempt and the failover as they happen, then the completed request with the same decision id', async () => {
    seen.length = 0;
    const answer = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: 'bus-primary', messages: hello });
    expect(answer.status).toBe(200);
    const id = answer.headers.get('x-grove-decision-id');
    const ofRequest = seen.filter((event) => ('requestId' in event ? event.requestId : 'id' in event ? event.id : undefined) === id);
    expect(ofRequest.map((event) => event.type)).toEqual(['attempt.failed', 'failover', 'request.completed']);
    expect(ofRequest[0]).toMatchObject({ modelId: 'bus-primary', errorKind: 'connection', failsOver: true });
    expect(ofRequest[1]).toMatchObject({ from: 'bus-primary', to: 'bus-backup', reason: 'connection' });
    expect(ofRequest[2]).toMatchObject({ servedModel: 'bus-backup', outcome: 'ok' });
  });

  it('serves and logs every request while a consumer of the bus throws on each event; the failures are counted', async () => {
    const remove = gateway.services.events.on(() => {
      throw new Error('a broken consumer');
    });
    const before = gateway.services.listenerErrors.count;
    try {
      const answer = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: 'bus-backup', messages: hello });
      expect(answer.status).toBe(200);
      expect(gateway.services.listenerErrors.count).toBeGreaterThan(before);
      const id = answer.headers.get('x-grove-decision-id')!;
      await waitFor(async () => (await gateway.grove.admin.decisions.get({ id }).catch(() => undefined)) !== undefined, { what: 'the request logged' });
    } finally {
      remove();
    }
  });

  it('tells model and policy changes with the key that made them, and lifecycle moves', async () => {
    seen.length = 0;
    const admin = gateway.grove.admin;
    const draft = gatewayModel('bus-draft', 'anthropic', backup.url, { lifecycle: 'draft' });
    await admin.models.create({ object: draft });
    await admin.models.transition({ id: 'bus-draft', to: 'active' });
    await admin.objects.applyAll({ objects: [routingPolicy({ rules: [], default: { strategy: 'cheapest' } })] });
    const actorKeyId = gateway.services.keys.authenticate(gateway.adminKey)!.keyId;
    expect(seen.filter((event) => event.type === 'model.changed' || event.type === 'policy.changed')).toEqual([
      expect.objectContaining({ type: 'model.changed', modelId: 'bus-draft', action: 'create', revision: 1, actorKeyId, lifecycle: { from: null, to: 'draft' } }),
      expect.objectContaining({ type: 'model.changed', modelId: 'bus-draft', action: 'lifecycle:active', revision: 2, actorKeyId, lifecycle: { from: 'draft', to: 'active' } }),
      expect.objectContaining({ type: 'policy.changed', policyId: 'default', action: 'create', revision: 1, actorKeyId }),
    ]);
  });
});
