import { gatewayModel, hello, postJson, startGateway, type GatewayHarness } from '../support/gateway';
import { decide, explainDecision } from '../../server/routing';
import { LOGGED_CANDIDATES, loggedDecision } from '../../server/gateway/provenance';
import type { ModelObject } from '../../shared/objects';
import { DEFAULT_POLICY_SPEC } from '../../shared/policy';

const status = { revision: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const model = (index: number, lifecycle: 'active' | 'draft' = 'active'): ModelObject => ({
  apiVersion: 'grove/v1',
  kind: 'Model',
  metadata: { id: `model-${String(index).padStart(3, '0')}` },
  spec: { provider: 'simulated', model: 'sim', capabilities: { reasoning: index % 100, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: 1000, pricing: { inputPer1M: 1, outputPer1M: 1 }, timeoutMs: 1000, fallbacks: [], aliases: [], lifecycle, replacement: null },
  status,
});

const route = (models: ModelObject[], requested = 'auto', policy = DEFAULT_POLICY_SPEC) => decide({ id: 'request-1', model: requested, promptTokens: 10, requirements: {}, scope: 'invoke' }, { models, capabilities: [] }, {}, policy);

describe('the decision as the request log keeps it', () => {
  test('a small registry is kept whole', () => {
    const decision = route(Array.from({ length: 10 }, (_, index) => model(index)));
    expect(loggedDecision(decision)).toEqual(explainDecision(decision));
  });

  test('a large one keeps the chain and the best candidates, and counts the rest by reason', () => {
    const models = [...Array.from({ length: 900 }, (_, index) => model(index)), ...Array.from({ length: 100 }, (_, index) => model(900 + index, 'draft'))];
    const decision = route(models);
    const logged = loggedDecision(decision) as ReturnType<typeof loggedDecision> & { omittedCandidates: { count: number; byReason: Record<string, number> } };
    expect(logged.candidates).toHaveLength(LOGGED_CANDIDATES);
    expect(logged.candidates.slice(0, decision.chain.length).map((candidate) => candidate.modelId)).toEqual(decision.chain);
    expect(logged.chain).toEqual(decision.chain);
    expect(logged.omittedCandidates.count).toBe(1000 - LOGGED_CANDIDATES);
    expect(Object.values(logged.omittedCandidates.byReason).reduce((sum, count) => sum + count, 0)).toBe(1000 - LOGGED_CANDIDATES);
    expect(logged.omittedCandidates.byReason.eligible).toBeGreaterThan(0);
    expect(JSON.stringify(logged).length).toBeLessThan(JSON.stringify(explainDecision(decision)).length / 10);
  });

  test('the model a request named stays in the log with its exclusion, however far down the list', () => {
    const models = [...Array.from({ length: 200 }, (_, index) => model(index)), model(999, 'draft')];
    // a route that fills the chain considers the others too
    const decision = route(models, 'model-999', { ...DEFAULT_POLICY_SPEC, default: { ...DEFAULT_POLICY_SPEC.default, fillChain: true } });
    const logged = loggedDecision(decision);
    expect(logged.candidates).toHaveLength(LOGGED_CANDIDATES);
    expect(logged.candidates.find((candidate) => candidate.modelId === 'model-999')?.excluded?.reason).toBe('draft_not_allowed');
  });
});

describe('refused requests are logged too', () => {
  let gateway: GatewayHarness;
  beforeAll(async () => {
    gateway = await startGateway();
    await gateway.apply(gatewayModel('refusal-draft', 'simulated', undefined, { lifecycle: 'draft' }));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  test.each([
    ['an unknown model', 'no-such-model', 404, 'model_not_found'],
    ['a draft named by an invoke key', 'refusal-draft', 403, 'model_not_allowed'],
  ])('%s: the answer names its decision, and the log explains it', async (_label, model, status, code) => {
    const answer = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello });
    expect(answer.status).toBe(status);
    const id = answer.headers.get('x-grove-decision-id');
    expect(id).toMatch(/^chatcmpl-/);
    expect(answer.headers.get('x-grove-attempts')).toBe('0');
    const logged = await gateway.grove.admin.decisions.get({ id: id! });
    expect(logged).toMatchObject({ requestedModel: model, outcome: 'client_error', status, errorKind: code, servedModel: null });
  });
});
