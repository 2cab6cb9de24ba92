import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAX_IN_FLIGHT, DEMO_TRAFFIC_KEY_ID, demoRequestAt, inFlakySpell } from '../../server/gateway/demo-traffic-plan';
import { seededRandom } from '../../server/adapters/simulated/random';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel } from '../support/gateway';
import { startTestServices, type TestServices } from '../support/services';
import { waitFor } from '../support/wait-for';

const DEMO_NAMES = new Set(['auto', 'sage', 'sim-sage', 'sim-swift', 'sim-flaky']);
const DEMO_MODELS = new Set(['sim-sage', 'sim-swift', 'sim-flaky']);

describe('the demo traffic plan (pure)', () => {
  const plan = (ticks: number, from = 0) => {
    const random = seededRandom(7);
    return Array.from({ length: ticks }, (_, index) => demoRequestAt(from + index, random));
  };

  it('is gentle: at most one request a tick (two a second), names only demo models or auto, and replays exactly', () => {
    const requests = plan(2400);
    const sent = requests.filter((request) => request !== null);
    expect(sent.length).toBeLessThan(requests.length);
    // about 1.3 a second on average over 20 minutes (ticks of 500 ms)
    expect(sent.length / (requests.length / 2)).toBeGreaterThan(1);
    expect(sent.length / (requests.length / 2)).toBeLessThan(1.7);
    for (const request of sent) expect(DEMO_NAMES.has(request!.model)).toBe(true);
    expect(plan(2400)).toEqual(requests);
    expect(sent.some((request) => request!.stream)).toBe(true);
    expect(DEMO_MAX_IN_FLIGHT).toBeLessThanOrEqual(8);
  });

  it('gives the flaky model a bad spell every two minutes: enough calls in 30 s for its breaker to judge (20)', () => {
    const flakyPerWindow = (from: number) => plan(60, from).filter((request) => request?.model === 'sim-flaky').length;
    expect(inFlakySpell(180)).toBe(true);
    expect(inFlakySpell(10)).toBe(false);
    expect(flakyPerWindow(180)).toBeGreaterThanOrEqual(30);
    expect(flakyPerWindow(0)).toBeLessThan(20);
  });
});

describe.each(testDrivers)('the living demo on %s', (driver) => {
  let grove: TestServices;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    grove = await startTestServices({ driver, seed: true, env: { GROVE_DEMO_TRAFFIC: 'on' } });
  });
  afterAll(async () => {
    await grove?.close();
    await upstream?.close();
  });

  it('in demo mode sends itself traffic through the gateway, to demo models only, counted under the demo-traffic key', async () => {
    expect(grove.services.demoTraffic?.status().running).toBe(true);
    await waitFor(async () => (await grove.admin.metrics.live({ seconds: 60 })).overall.requests >= 3, { timeoutMs: 15_000, everyMs: 200, what: 'demo requests' });
    const live = await grove.admin.metrics.live({ seconds: 60 });
    for (const model of live.models) expect(DEMO_MODELS.has(model.modelId)).toBe(true);
    const usage = await grove.admin.metrics.usage({ range: '15m' });
    expect(usage.byKey.map((row) => row.keyId)).toEqual([DEMO_TRAFFIC_KEY_ID]);
    expect(usage.byKey[0]!.requests).toBe(usage.totals.requests);
  });

  it('stops the moment a real model can serve, and no demo request is counted after', async () => {
    await grove.services.registry.apply('test', [gatewayModel('real-one', 'openai-compatible', upstream.url)]);
    expect(grove.services.demoTraffic?.status().running).toBe(false);
    const sent = grove.services.demoTraffic!.status().sent;
    // requests cut off in flight are counted as they end; then nothing more comes
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const settled = (await grove.admin.metrics.usage({ range: '15m' })).totals.requests;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(grove.services.demoTraffic!.status().sent).toBe(sent);
    expect((await grove.admin.metrics.usage({ range: '15m' })).totals.requests).toBe(settled);
  });

  it('starts again when demo mode comes back', async () => {
    await grove.services.registry.apply('test', [gatewayModel('real-one', 'openai-compatible', upstream.url, { lifecycle: 'draft' })]);
    expect(grove.services.demoTraffic?.status().running).toBe(true);
  });
});

describe('GROVE_DEMO_TRAFFIC=off (the tests\' default)', () => {
  it('sends nothing, even in demo mode', async () => {
    const grove = await startTestServices({ seed: true });
    try {
      expect(grove.services.demoTraffic).toBeUndefined();
      expect((await grove.admin.system.info()).demoMode).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await grove.admin.metrics.live({ seconds: 60 })).overall.requests).toBe(0);
    } finally {
      await grove.close();
    }
  });
});
