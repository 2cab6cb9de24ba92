import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTrpcError } from '../routers/fixtures';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, routingPolicy, startGateway, type GatewayHarness } from '../support/gateway';

/**
 * A RoutingPolicy is in force for the next request, with no restart, whichever way it was applied;
 * an invalid one is refused with every problem listed and the one in force stays in force.
 */
const strong = { reasoning: 90, creativity: 90, precision: 90, speed: 90, context: 90 };

describe.each(testDrivers)('routing policy on %s', (driver) => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({
      driver,
      objects: [gatewayModel('pol-best', 'simulated', undefined, { capabilities: strong }), gatewayModel('pol-reviewer', 'simulated', undefined), gatewayModel('pol-other', 'simulated', undefined)],
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const served = async (headers: Record<string, string> = {}, grove?: unknown) => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: 'auto', messages: hello, grove }, headers);
    expect(response.status, response.text).toBe(200);
    return { model: response.headers.get('x-grove-model'), id: response.headers.get('x-grove-decision-id')! };
  };

  const reviewPolicy = (model: string) =>
    routingPolicy({
      rules: [{ name: 'code-review', priority: 20, when: { taskType: 'code-review' }, route: { strategy: 'pinned', models: [model], chainLength: 2 } }],
      default: { strategy: 'capability', weights: { reasoning: 1 } },
    });

  it('applies a policy through objects.applyAll, in force for the next request', async () => {
    expect((await served({ 'x-grove-task-type': 'code-review' })).model).toBe('pol-best');
    const { results } = await gateway.grove.admin.objects.applyAll({ objects: [reviewPolicy('pol-reviewer')] });
    expect(results).toEqual([expect.objectContaining({ kind: 'RoutingPolicy', id: 'default', action: 'created' })]);
    const byHeader = await served({ 'x-grove-task-type': 'code-review' });
    expect(byHeader.model).toBe('pol-reviewer');
    expect((await served({}, { taskType: 'code-review' })).model).toBe('pol-reviewer');
    expect((await served()).model).toBe('pol-best');
    const logged = await gateway.grove.admin.decisions.get({ id: byHeader.id });
    expect(logged.rule).toBe('code-review');
    expect(logged.decision.rule?.name).toBe('code-review');
    // tRPC callers select the rule through the body
    const { grove: meta } = await gateway.grove.callerFor(gateway.invokeKey).gateway.complete({ model: 'auto', messages: hello, grove: { taskType: 'code-review' } });
    expect([meta.model, meta.rule]).toEqual(['pol-reviewer', 'code-review']);
  });

  it('replaces it through policies.put, again without a restart', async () => {
    const current = await gateway.grove.admin.policies.get({ id: 'default' });
    await gateway.grove.admin.policies.put({ id: 'default', revision: current.status.revision, spec: reviewPolicy('pol-other').spec });
    expect((await served({ 'x-grove-task-type': 'code-review' })).model).toBe('pol-other');
    const { inForce } = await gateway.grove.admin.policies.list();
    expect(inForce).toBe('default');
    const { items } = await gateway.grove.admin.policies.history({ id: 'default' });
    expect(items.map((item) => item.revision).sort()).toEqual([1, 2]);
    await expectTrpcError(gateway.grove.admin.policies.put({ id: 'default', spec: reviewPolicy('pol-best').spec }), 'CONFLICT');
  });

  const invalid = routingPolicy({
    rules: [
      { name: 'unknown-model', priority: 30, when: { taskType: 'x' }, route: { strategy: 'pinned', models: ['no-such-model'] } },
      { name: 'negative', priority: 40, when: { taskType: 'y' }, route: { strategy: 'capability', weights: { reasoning: -1 } } },
      { name: 'malformed', priority: 50, when: { promptTokens: { gt: 'many' }, colour: 'blue' }, route: { strategy: 'cheapest' } },
    ],
    default: { strategy: 'capability' },
  });
  const expectEveryProblem = (problems: Array<{ path: string; message: string }>) => {
    const text = problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
    expect(text).toMatch(/spec\.rules\[0\]\.route\.models\[0\]: unknown model "no-such-model"/);
    expect(text).toMatch(/spec\.rules\[1\]\.route\.weights\.reasoning: weights must not be negative/);
    expect(text).toMatch(/spec\.rules\[2\]\.when\.promptTokens\.gt: /);
    expect(text).toMatch(/spec\.rules\[2\]\.when: .*colour/);
  };

  it('refuses an invalid policy through policies.put (tRPC and REST) with every problem listed, and keeps the one in force', async () => {
    const current = await gateway.grove.admin.policies.get({ id: 'default' });
    expectEveryProblem(await expectTrpcError(gateway.grove.admin.policies.put({ id: 'default', revision: current.status.revision, spec: invalid.spec }), 'BAD_REQUEST'));
    const rest = await fetch(`${gateway.url}/api/v1/policies/default`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ revision: current.status.revision, spec: invalid.spec }),
    });
    expect(rest.status).toBe(400);
    expectEveryProblem(((await rest.json()) as { problems: Array<{ path: string; message: string }> }).problems);
    expect((await gateway.grove.admin.policies.get({ id: 'default' })).status.revision).toBe(current.status.revision);
    expect((await served({ 'x-grove-task-type': 'code-review' })).model).toBe('pol-other');
  });

  it('refuses an invalid policy through objects.applyAll and keeps the one in force', async () => {
    const problems = await expectTrpcError(gateway.grove.admin.objects.applyAll({ objects: [invalid] }), 'BAD_REQUEST');
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect((await served({ 'x-grove-task-type': 'code-review' })).model).toBe('pol-other');
  });

  // Known gap, in server/registry (parseObject stops at the schema's problems, so the registry
  // checks never run): when this starts passing, turn it into a plain `it`.
  it('lists the unknown model beside the schema problems through objects.applyAll too', async () => {
    expectEveryProblem(await expectTrpcError(gateway.grove.admin.objects.applyAll({ objects: [invalid] }), 'BAD_REQUEST'));
  });

  it('refuses models whose fallbacks form a cycle, naming it, and applies nothing', async () => {
    const problems = await expectTrpcError(
      gateway.grove.admin.objects.applyAll({
        objects: [gatewayModel('pol-cycle-a', 'simulated', undefined, { fallbacks: ['pol-cycle-b'] }), gatewayModel('pol-cycle-b', 'simulated', undefined, { fallbacks: ['pol-cycle-a'] })],
      }),
      'BAD_REQUEST',
    );
    expect(problems.map((problem) => problem.message).join('\n')).toMatch(/cycle: .*pol-cycle-a.*pol-cycle-b|cycle: .*pol-cycle-b.*pol-cycle-a/);
    expect(gateway.services.registry.snapshot.models.map((model) => model.metadata.id)).not.toContain('pol-cycle-a');
    expect((await served({ 'x-grove-task-type': 'code-review' })).model).toBe('pol-other');
  });
});
