import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../server/auth/keys';
import type { CircuitChanged } from '../../server/events';
import { Gateway } from '../../server/gateway/gateway';
import { GatewayError } from '../../server/gateway/gateway-error';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel, hello } from '../support/gateway';
import { startTestServices, type TestServices } from '../support/services';

/**
 * The circuit's life against real upstream fakes, on a Gateway whose clock the test holds, so that
 * the cooldown (5 s by default) passes in no time: closed → open after 3 hard failures → half-open after
 * the cooldown, when exactly one request probes → closed on success, open again (cooldown doubled)
 * on failure.
 */
describe('circuit breaking', () => {
  let grove: TestServices;
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let gateway: Gateway;
  let principal: Principal;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const changes: CircuitChanged[] = [];

  beforeAll(async () => {
    primary = await startFakeOpenAI();
    backup = await startFakeAnthropic();
    grove = await startTestServices();
    await grove.services.registry.apply('test', [gatewayModel('cb-backup', 'anthropic', backup.url), gatewayModel('cb-primary', 'openai-compatible', primary.url, { fallbacks: ['cb-backup'] })]);
    gateway = new Gateway(grove.services.registry, grove.services.events, { deadlineMs: 10_000, defaultRateLimitPerMinute: 1_000, now: () => clock });
    grove.services.events.on((event) => {
      if (event.type === 'circuit.changed') changes.push(event);
    });
    principal = grove.services.keys.authenticate((await grove.services.keys.create({ name: 'cb', scopes: ['invoke'] })).key)!;
  });
  afterAll(async () => {
    await grove?.close();
    await primary?.close();
    await backup?.close();
  });

  const call = async () => {
    const answer = await gateway.complete({ body: { model: 'cb-primary', messages: hello }, principal, headers: {}, signal: new AbortController().signal });
    return { model: answer.model.metadata.id, attempts: answer.attempts.map((attempt) => `${attempt.modelId}:${attempt.outcome}`) };
  };
  const circuit = () => gateway.health.snapshot(clock)['cb-primary']?.circuit;

  it('opens after 3 consecutive hard failures (reset connections), then skips the primary without calling it', async () => {
    primary.setBehavior({ reset: 'before-headers' });
    for (let index = 0; index < 3; index += 1) expect((await call()).attempts).toEqual(['cb-primary:error', 'cb-backup:ok']);
    expect(circuit()).toBe('open');
    expect(changes.map((change) => `${change.from}>${change.to}`)).toEqual(['closed>open']);
    expect(changes[0]!.reason).toMatch(/3 consecutive failures/);
    clock += 4_000;
    expect(await call()).toEqual({ model: 'cb-backup', attempts: ['cb-backup:ok'] });
    expect(primary.requests).toHaveLength(3);
  });

  it('lets exactly one probe through after the cooldown, and closes when it succeeds', async () => {
    clock += 1_000;
    expect(circuit()).toBe('half-open');
    primary.setBehavior({ latencyMs: 150 });
    const [probe, other] = await Promise.all([call(), call()]);
    expect(probe).toEqual({ model: 'cb-primary', attempts: ['cb-primary:ok'] });
    // the second request found the probe in flight: the primary was skipped, not called
    expect(other).toEqual({ model: 'cb-backup', attempts: ['cb-primary:skipped', 'cb-backup:ok'] });
    expect(primary.requests).toHaveLength(4);
    expect(circuit()).toBe('closed');
    expect(changes.map((change) => `${change.from}>${change.to}`)).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
    expect((await call()).model).toBe('cb-primary');
  });

  it('reopens when the probe fails, with the cooldown doubled', async () => {
    primary.setBehavior({ reset: 'before-headers' });
    for (let index = 0; index < 3; index += 1) await call();
    expect(circuit()).toBe('open');
    clock += 5_000;
    expect((await call()).attempts).toEqual(['cb-primary:error', 'cb-backup:ok']);
    expect(circuit()).toBe('open');
    expect(changes.at(-1)?.reason).toMatch(/probe failed/);
    const requests = primary.requests.length;
    clock += 5_000;
    expect((await call()).attempts).toEqual(['cb-backup:ok']);
    clock += 5_000;
    primary.setBehavior({});
    expect(await call()).toEqual({ model: 'cb-primary', attempts: ['cb-primary:ok'] });
    expect(primary.requests.length).toBe(requests + 1);
    expect(circuit()).toBe('closed');
  });

  it('does not open on 3 soft failures in a row (503), but on an error rate over the window', async () => {
    primary.setBehavior({ status: 503 });
    for (let index = 0; index < 3; index += 1) await call();
    expect(circuit()).toBe('closed');
    // alternate failures and successes: half of 20+ samples fail
    let fail = false;
    primary.setBehavior(() => {
      fail = !fail;
      return fail ? { status: 500 } : {};
    });
    for (let index = 0; index < 24 && circuit() !== 'open'; index += 1) {
      clock += 10;
      await call();
    }
    expect(circuit()).toBe('open');
    expect(changes.at(-1)?.reason).toMatch(/error rate/);
  });

  it('starts no attempt once the overall deadline has passed', async () => {
    await grove.services.registry.apply('test', [gatewayModel('dl-backup', 'anthropic', backup.url), gatewayModel('dl-primary', 'openai-compatible', primary.url, { fallbacks: ['dl-backup'] })]);
    const hurried = new Gateway(grove.services.registry, grove.services.events, { deadlineMs: 1_000, defaultRateLimitPerMinute: 1_000, now: () => clock });
    // the primary's failure takes (on the test's clock) longer than the whole deadline
    primary.setBehavior(() => {
      clock += 2_000;
      return { status: 503 };
    });
    const backupCalls = backup.requests.length;
    const failure = await hurried.complete({ body: { model: 'dl-primary', messages: hello }, principal, headers: {}, signal: new AbortController().signal }).catch((error: unknown) => error);
    primary.setBehavior({});
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).upstream?.kind).toBe('timeout');
    expect((failure as GatewayError).message).toMatch(/deadline/);
    expect((failure as GatewayError).headers['x-grove-attempts']).toBe('1');
    expect(backup.requests.length).toBe(backupCalls);
  });
});
