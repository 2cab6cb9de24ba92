import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness } from '../support/gateway';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/router';

type ExplainResult = inferRouterOutputs<AppRouter>['route']['explain'];

/**
 * Decision provenance: every request's decision and attempts land in the request log, in batches,
 * without delaying the answer; they are queryable through tRPC and REST; route.explain shows a
 * decision without calling a model; health shows the circuits.
 */
describe.each(testDrivers)('provenance on %s', (driver) => {
  let gateway: GatewayHarness;
  let openai: FakeUpstream;
  let gemini: FakeUpstream;
  const admin = () => gateway.grove.admin;
  const completions = () => `${gateway.url}/v1/chat/completions`;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    gemini = await startFakeGemini();
    gateway = await startGateway({
      driver,
      objects: [
        gatewayModel('pv-gemini', 'gemini', gemini.url, { capabilities: { reasoning: 90, creativity: 90, precision: 90, speed: 90, context: 90 } }),
        gatewayModel('pv-openai', 'openai-compatible', openai.url, { fallbacks: ['pv-gemini'] }),
        gatewayModel('pv-pricey', 'simulated', undefined, { pricing: { inputPer1M: 500, outputPer1M: 900 } }),
        gatewayModel('pv-draft', 'simulated', undefined, { lifecycle: 'draft' }),
      ],
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await openai?.close();
    await gemini?.close();
  });

  it('logs a failed-over request with its chain, candidates and attempts (tRPC and REST)', async () => {
    openai.queueBehaviors({ status: 503 });
    const since = new Date(Date.now() - 1000).toISOString();
    const response = await postJson(completions(), gateway.invokeKey, { model: 'pv-openai', messages: hello });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-grove-decision-id')!;
    const logged = await admin().decisions.get({ id });
    expect(logged).toMatchObject({ id, requestedModel: 'pv-openai', servedModel: 'pv-gemini', outcome: 'ok', status: 200, errorKind: null });
    expect(logged.costUsd).toBeCloseTo(Number(response.headers.get('x-grove-cost-usd')), 12);
    expect(Date.parse(logged.at)).toBeGreaterThanOrEqual(Date.parse(since));
    expect(logged.attempts).toEqual([
      expect.objectContaining({ modelId: 'pv-openai', provider: 'openai-compatible', outcome: 'error', errorKind: 'overloaded', status: 503, latencyMs: expect.any(Number) }),
      expect.objectContaining({ modelId: 'pv-gemini', provider: 'gemini', outcome: 'ok', latencyMs: expect.any(Number) }),
    ]);
    expect(logged.decision.chain.slice(0, 2)).toEqual(['pv-openai', 'pv-gemini']);
    const byId = new Map(logged.decision.candidates.map((candidate) => [candidate.modelId, candidate]));
    expect(byId.get('pv-gemini')?.score).toMatchObject({ rank: expect.any(Number), capabilityFit: expect.any(Number), cost: expect.any(Number), health: expect.any(Number) });
    // a named model is served by itself and its fallbacks only: those are what it considered
    expect([...byId.keys()]).toEqual(['pv-openai', 'pv-gemini']);

    const rest = await fetch(`${gateway.url}/api/v1/decisions/${id}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({ id, servedModel: 'pv-gemini', attempts: [{ modelId: 'pv-openai' }, { modelId: 'pv-gemini' }], decision: { chain: logged.decision.chain } });
    const missing = await fetch(`${gateway.url}/api/v1/decisions/chatcmpl-nope`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(missing.status).toBe(404);
    const forbidden = await fetch(`${gateway.url}/api/v1/decisions/${id}`, { headers: { authorization: `Bearer ${gateway.invokeKey}` } });
    expect(forbidden.status).toBe(403);
  });

  it('lists decisions by model, outcome and time', async () => {
    const before = new Date(Date.now() - 1).toISOString();
    const ok = await postJson(completions(), gateway.invokeKey, { model: 'pv-gemini', messages: hello });
    openai.queueBehaviors({ status: 400 });
    const refused = await postJson(completions(), gateway.invokeKey, { model: 'pv-openai', messages: hello });
    expect([ok.status, refused.status]).toEqual([200, 400]);
    // a failed request still names its decision
    expect(refused.headers.get('x-grove-decision-id')).toMatch(/^chatcmpl-/);
    expect(refused.headers.get('x-grove-attempts')).toBe('1');
    const after = new Date(Date.now() + 1).toISOString();
    // lists show what is written: wait for both (decisions.get waits for the writer's own batch)
    await Promise.all([ok, refused].map((response) => admin().decisions.get({ id: response.headers.get('x-grove-decision-id')! })));

    const recent = await admin().decisions.list({ since: before, until: after, limit: 10 });
    expect(recent.items.map((item) => item.id).sort()).toEqual([ok.headers.get('x-grove-decision-id'), refused.headers.get('x-grove-decision-id')].sort());
    const byModel = await admin().decisions.list({ model: 'pv-gemini', since: before, limit: 10 });
    expect(byModel.items.map((item) => item.id)).toEqual([ok.headers.get('x-grove-decision-id')]);
    const clientErrors = await admin().decisions.list({ outcome: 'client_error', limit: 10 });
    expect(clientErrors.items.map((item) => item.id)).toContain(refused.headers.get('x-grove-decision-id'));
    expect(clientErrors.items.every((item) => item.outcome === 'client_error')).toBe(true);
    expect(clientErrors.items[0]).toMatchObject({ errorKind: 'bad_request', status: 400 });
    const old = await admin().decisions.list({ until: new Date(Date.now() - 3_600_000).toISOString(), limit: 10 });
    expect(old.items).toEqual([]);
    const rest = await fetch(`${gateway.url}/api/v1/decisions?model=pv-gemini&limit=5`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(rest.status).toBe(200);
    expect(((await rest.json()) as { items: Array<{ servedModel: string }> }).items.every((item) => item.servedModel === 'pv-gemini')).toBe(true);
  });

  it('answers without waiting for the log: a locked log table does not delay the response', async () => {
    const { db } = gateway.services.database;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const lock = db.transaction(async (transaction) => {
      await transaction.execute(sql`lock table request_log in access exclusive mode`);
      locked();
      await held;
    });
    await lockTaken;
    try {
      const startedAt = Date.now();
      const response = await postJson(completions(), gateway.invokeKey, { model: 'pv-gemini', messages: hello });
      expect(response.status).toBe(200);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
      // the writer's insert starts now, rather than on its timer, and is stuck behind the lock: the answer was not
      const flushed = gateway.services.requestLog.flush();
      const id = response.headers.get('x-grove-decision-id')!;
      release();
      await lock;
      await flushed;
      expect((await admin().decisions.get({ id })).id).toBe(id);
    } finally {
      release();
      await lock;
    }
  });

  it('logs every one of many concurrent requests', async () => {
    const ids = await Promise.all(
      Array.from({ length: 12 }, async () => (await postJson(completions(), gateway.invokeKey, { model: 'pv-gemini', messages: hello })).headers.get('x-grove-decision-id')!),
    );
    await Promise.all(ids.map((id) => admin().decisions.get({ id })));
    const found = await admin().decisions.list({ model: 'pv-gemini', limit: 100 });
    const listed = new Set(found.items.map((item) => item.id));
    expect(ids.every((id) => listed.has(id))).toBe(true);
  });

  it('names each decision chatcmpl- and 128 random bits, distinct across entropy batches', () => {
    const ids = Array.from({ length: 600 }, () => gateway.services.gateway.explain({ model: 'auto', messages: hello }, { keyId: 'ids', scopes: ['invoke'] }, {}).decision.id);
    for (const id of ids) expect(id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('explains a decision without calling any model (tRPC and REST)', async () => {
    const calls = openai.requests.length + gemini.requests.length;
    const { decision } = await admin().route.explain({ model: 'auto', messages: hello, grove: { maxPricePer1M: 100 } });
    const byId = new Map(decision.candidates.map((candidate) => [candidate.modelId, candidate]));
    expect(decision.chain[0]).toBe('pv-gemini');
    expect(byId.get('pv-gemini')?.score).toMatchObject({ rank: 1, total: expect.any(Number), capabilityFit: expect.any(Number), cost: expect.any(Number) });
    expect(byId.get('pv-pricey')?.excluded?.reason).toBe('over_cost_limit');
    expect(byId.get('pv-draft')?.excluded?.reason).toBe('lifecycle');
    expect(decision.rule).toBeNull();
    const asAdmin = await admin().route.explain({ model: 'pv-draft', scope: 'admin' });
    expect(asAdmin.decision.chain[0]).toBe('pv-draft');
    expect(asAdmin.refusal).toBeNull();
    // as an invoke key would: refused, and the decision says why
    const asInvoke = await admin().route.explain({ model: 'pv-draft' });
    expect(asInvoke.refusal).toMatchObject({ status: 403, code: 'model_not_allowed' });
    expect(asInvoke.decision.candidates.find((candidate) => candidate.modelId === 'pv-draft')?.excluded?.reason).toBe('draft_not_allowed');

    const rest = await fetch(`${gateway.url}/api/v1/route/explain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pv-openai', headers: { 'X-Grove-Max-Price': '100' } }),
    });
    expect(rest.status).toBe(200);
    const explained = ((await rest.json()) as ExplainResult).decision;
    expect(explained.chain.slice(0, 2)).toEqual(['pv-openai', 'pv-gemini']);
    expect(explained.candidates.map((candidate) => candidate.modelId)).toEqual(['pv-openai', 'pv-gemini']);
    expect(openai.requests.length + gemini.requests.length).toBe(calls);

    const unknown = await fetch(`${gateway.url}/api/v1/route/explain`, { method: 'POST', headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'nope' }) });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ decision: { chain: [], failure: { reason: 'unknown_model' } }, refusal: { status: 404, code: 'model_not_found' } });
    const invalid = await fetch(`${gateway.url}/api/v1/route/explain`, { method: 'POST', headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ headers: { 'x-grove-max-price': 'free' } }) });
    expect(invalid.status).toBe(400);
  });

  it('shows an open circuit in health.models, in REST, and in the next decision', async () => {
    openai.setBehavior({ reset: 'before-headers' });
    for (let index = 0; index < 3; index += 1) expect((await postJson(completions(), gateway.invokeKey, { model: 'pv-openai', messages: hello })).status).toBe(200);
    openai.setBehavior({});
    const health = await admin().health.models();
    expect(health.items.find((item) => item.modelId === 'pv-openai')).toMatchObject({ circuit: 'open', errorRate: 1 });
    expect(health.items.find((item) => item.modelId === 'pv-gemini')).toMatchObject({ circuit: 'closed', p50LatencyMs: expect.any(Number), latencyAgeMs: expect.any(Number), probe: null });
    expect(health.items.find((item) => item.modelId === 'pv-gemini')!.latencyAgeMs).toBeLessThan(60_000);
    const rest = await fetch(`${gateway.url}/api/v1/health/models`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
    expect(((await rest.json()) as { items: Array<{ modelId: string; circuit: string }> }).items).toContainEqual(expect.objectContaining({ modelId: 'pv-openai', circuit: 'open' }));
    const { decision } = await admin().route.explain({ model: 'pv-openai' });
    expect(decision.candidates.find((candidate) => candidate.modelId === 'pv-openai')?.excluded?.reason).toBe('circuit_open');
    expect(decision.chain[0]).toBe('pv-gemini');
  });
});
