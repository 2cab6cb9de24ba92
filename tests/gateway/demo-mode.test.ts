import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, refusedUrl, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';

const DEMO = new Set(['sim-sage', 'sim-swift', 'sim-flaky']);

/**
 * A new install (the seed: examples/models.yaml, no provider key), then real models applied on
 * top of it, as an operator would: demo models answer only in demo mode or when named, and a
 * named model is that model or an error that says how to fix it.
 */
describe.each(testDrivers)('demo mode and named models on %s', (driver) => {
  let gateway: GatewayHarness;
  let upstream: FakeUpstream;
  const ask = (body: LooseJson) => postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { messages: hello, ...body });
  const listModels = async () => ((await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${gateway.invokeKey}` } })).json()) as LooseJson).data.map((model: LooseJson) => model.id as string);

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gateway = await startGateway({ driver, seed: true });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('a new install is in demo mode: the demo models answer auto, and system.info says so', async () => {
    expect(await gateway.grove.admin.system.info()).toMatchObject({ demoMode: true, demoModels: ['sim-flaky', 'sim-sage', 'sim-swift'], demoTraffic: false });
    const answer = await ask({ model: 'auto' });
    expect(answer.status).toBe(200);
    expect(DEMO.has(answer.headers.get('x-grove-model') ?? '')).toBe(true);
  });

  it('a named model without its key: 424 model_unavailable that says which variable to set, with the decision id', async () => {
    for (const stream of [false, true]) {
      const answer = await ask({ model: 'sonnet', stream });
      expect(answer.status).toBe(424);
      const decisionId = answer.headers.get('x-grove-decision-id');
      expect(decisionId).toMatch(/^chatcmpl-/);
      expect(answer.json.error).toMatchObject({ code: 'model_unavailable', param: 'model', type: 'invalid_request_error' });
      expect(answer.json.error.message).toContain('set ANTHROPIC_API_KEY');
      expect(answer.json.error.message).toContain(decisionId);
      expect(answer.headers.get('x-grove-model')).toBeNull();
    }
  });

  it('/v1/models offers only what the key can use: no model without its key', async () => {
    const listed = await listModels();
    expect(listed).toEqual(expect.arrayContaining(['auto', 'sim-sage', 'sage']));
    for (const keyless of ['claude-sonnet', 'sonnet', 'gemini-pro', 'gemini-flash', 'local-llama']) expect(listed).not.toContain(keyless);
  });

  it('with real models applied on top of the seed, auto never answers with a demo model', async () => {
    // plainer and dearer than sim-sage and sim-swift, so that only the demo rule keeps those out
    await gateway.apply(gatewayModel('real-a', 'openai-compatible', upstream.url), gatewayModel('real-b', 'openai-compatible', upstream.url, { capabilities: { reasoning: 40, creativity: 40, precision: 40, speed: 40, context: 40 } }));
    const served = new Map<string, number>();
    const strategies = [undefined, 'capability', 'cheapest', 'fastest'];
    for (let n = 0; n < 60; n++) {
      const strategy = strategies[n % strategies.length];
      const answer = await ask({ model: 'auto', stream: n % 3 === 0, ...(strategy ? { grove: { strategy } } : {}) });
      expect(answer.status).toBe(200);
      const model = answer.headers.get('x-grove-model') ?? '';
      served.set(model, (served.get(model) ?? 0) + 1);
    }
    expect([...served.keys()].filter((model) => !model.startsWith('real-'))).toEqual([]);
    expect(upstream.requests.length).toBeGreaterThanOrEqual(60);
    expect(await gateway.grove.admin.system.info()).toMatchObject({ demoMode: false });
  });

  it('the decision says why a demo model was left out', async () => {
    const explained = await gateway.grove.admin.route.explain({ model: 'auto', messages: hello });
    const sage = ((explained.decision as LooseJson).candidates as LooseJson[]).find((candidate) => candidate.modelId === 'sim-sage');
    expect(sage?.excluded).toEqual({ reason: 'demo_model', detail: expect.stringContaining('demo model: real models are available') });
  });

  it('a demo model named by the request still answers it', async () => {
    const answer = await ask({ model: 'sage' });
    expect(answer.status).toBe(200);
    // sim-sage, or sim-swift, its declared fallback, when the simulation drew one of its errors
    expect(['sim-sage', 'sim-swift']).toContain(answer.headers.get('x-grove-model'));
  });

  it('a named real model whose upstream fails is not answered by another model', async () => {
    await gateway.apply(gatewayModel('real-down', 'openai-compatible', await refusedUrl('/v1')));
    const answer = await ask({ model: 'real-down' });
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(answer.headers.get('x-grove-model')).toBeNull();
    expect(answer.json.error).toBeDefined();
  });

  it('removing the demo models deletes them, and only them', async () => {
    const { removed } = await gateway.grove.admin.system.removeDemo({});
    expect(removed).toEqual(['sim-flaky', 'sim-sage', 'sim-swift']);
    expect(await gateway.grove.admin.system.info()).toMatchObject({ demoMode: false, demoModels: [] });
    expect((await ask({ model: 'sage' })).status).toBe(404);
    expect((await gateway.grove.admin.system.removeDemo({})).removed).toEqual([]);
    expect(gateway.services.registry.snapshot.models.some((model) => model.metadata.id === 'claude-sonnet')).toBe(true);
  });
});
