import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../server/auth/keys';
import { Gateway } from '../../server/gateway/gateway';
import { explainCandidates } from '../../server/routing/explain';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, routingPolicy } from '../support/gateway';
import { startTestServices, type TestServices } from '../support/services';

/**
 * Live latency that routing trusts, against real upstream fakes: on a `fastest` route, a model that
 * turns slow loses its traffic within a few requests, and once it is fast again it gets it back by
 * itself within 30 s (through probes). The Gateway's clock is real time plus an offset the test
 * moves on, so latencies are measured for real while 30 s pass in no time.
 */
describe.each(testDrivers)('live latency on a fastest route (%s)', (driver) => {
  let grove: TestServices;
  let upstreamA: FakeUpstream;
  let upstreamB: FakeUpstream;
  let gateway: Gateway;
  let principal: Principal;
  let offset = 0;

  beforeAll(async () => {
    upstreamA = await startFakeOpenAI();
    upstreamB = await startFakeOpenAI();
    grove = await startTestServices({ driver });
    await grove.services.registry.apply('test', [
      gatewayModel('lat-a', 'openai-compatible', upstreamA.url, { capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 90, context: 50 } }),
      gatewayModel('lat-b', 'openai-compatible', upstreamB.url),
      routingPolicy({ rules: [], default: { strategy: 'fastest', chainLength: 2 } }),
    ]);
    gateway = new Gateway(grove.services.registry, grove.services.events, { deadlineMs: 10_000, defaultRateLimitPerMinute: 100_000, now: () => Date.now() + offset });
    principal = grove.services.keys.authenticate((await grove.services.keys.create({ name: 'latency', scopes: ['invoke'] })).key)!;
  });
  afterAll(async () => {
    await grove?.close();
    await upstreamA?.close();
    await upstreamB?.close();
  });

  const call = async (model = 'auto') => {
    const answer = await gateway.complete({ body: { model, messages: hello }, principal, headers: {}, signal: new AbortController().signal });
    return { model: answer.model.metadata.id, probe: answer.decision.probe?.modelId ?? null };
  };

  /** A request a second (on the test's clock), for at most 40 s, until `model` serves as the regular first choice. */
  const requestEachSecondUntilFirstChoice = async (model: string) => {
    const served: Array<{ second: number; model: string; probe: string | null }> = [];
    for (let second = 1; second <= 40; second++) {
      offset += 1_000;
      const answer = await call();
      served.push({ second, ...answer });
      if (answer.model === model && answer.probe === null) break;
    }
    return served;
  };

  it('moves off a model that turns slow within a few requests, and back within 30 s once it recovers', async () => {
    upstreamA.setBehavior({ latencyMs: 5 });
    upstreamB.setBehavior({ latencyMs: 80 });
    // both measured (by name), then A is the fastest route's first choice
    for (let index = 0; index < 5; index++) expect((await call('lat-b')).model).toBe('lat-b');
    for (let index = 0; index < 5; index++) expect((await call('lat-a')).model).toBe('lat-a');
    for (let index = 0; index < 20; index++) expect((await call()).model).toBe('lat-a');

    upstreamA.setBehavior({ latencyMs: 400 });
    const whileSlow: string[] = [];
    for (let index = 0; index < 10; index++) whileSlow.push((await call()).model);
    const servedByA = whileSlow.indexOf('lat-b'); // how many went to A before routing moved
    expect(servedByA).toBeGreaterThan(0);
    expect(servedByA).toBeLessThanOrEqual(3);
    expect(whileSlow.slice(servedByA)).toEqual(Array(10 - servedByA).fill('lat-b'));

    // the decision shows the figures it used, and how old they were
    const { decision } = gateway.explain({ model: 'auto', messages: hello }, principal, {});
    const scores = Object.fromEntries(explainCandidates(decision).map((candidate) => [candidate.modelId, candidate.score]));
    expect(scores['lat-a']).toMatchObject({ latency: expect.any(Number), latencyAgeMs: expect.any(Number) });
    expect(scores['lat-a']!.latency).toBeGreaterThanOrEqual(400);
    expect(scores['lat-b']!.latency).toBeLessThan(400);
    expect(scores['lat-b']!.latencyAgeMs).toBeLessThan(1_500); // its last call was just now; the time is kept to a second

    // A recovers; a request a second (on the test's clock), until A serves as the regular first choice
    upstreamA.setBehavior({ latencyMs: 5 });
    const served = await requestEachSecondUntilFirstChoice('lat-a');
    const back = served.at(-1)!;
    expect(back).toMatchObject({ model: 'lat-a', probe: null });
    expect(back.second).toBeLessThanOrEqual(30);
    // until then A had probes only: at most one every 5 s
    const probes = served.filter((entry) => entry.probe === 'lat-a');
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.length).toBeLessThanOrEqual(Math.ceil(back.second / 5));
    expect(served.filter((entry) => entry.model === 'lat-a' && entry.probe === null)).toHaveLength(1);
  });

  it('an open circuit: probed first once its cooldown is over, and back as first choice when the probe succeeds', async () => {
    upstreamA.setBehavior({ latencyMs: 5 });
    upstreamB.setBehavior({ latencyMs: 80 });
    offset += 60_000;
    for (let index = 0; index < 5; index++) await call('lat-a');
    // B, not called for a minute, is due a probe: it takes the next request, then A is first again
    expect(await call()).toEqual({ model: 'lat-b', probe: 'lat-b' });
    expect(await call()).toEqual({ model: 'lat-a', probe: null });
    upstreamA.setBehavior({ reset: 'before-headers' });
    for (let index = 0; index < 3; index++) expect((await call()).model).toBe('lat-b');
    expect(gateway.health.snapshot(Date.now() + offset)['lat-a']?.circuit).toBe('open');
    // the circuit skips A without calling it
    const calls = upstreamA.requests.length;
    expect(await call()).toEqual({ model: 'lat-b', probe: null });
    expect(upstreamA.requests.length).toBe(calls);

    upstreamA.setBehavior({ latencyMs: 5 });
    const served = await requestEachSecondUntilFirstChoice('lat-a');
    expect(served.at(-1)!.second).toBeLessThanOrEqual(30);
    expect(served.filter((entry) => entry.probe === 'lat-a')).toEqual([expect.objectContaining({ model: 'lat-a' })]);
    expect(gateway.health.snapshot(Date.now() + offset)['lat-a']?.circuit).toBe('closed');
  });
});
