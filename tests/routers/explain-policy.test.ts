import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../support/database';
import { gatewayModel, postJson, routingPolicy, startGateway, type GatewayHarness } from '../support/gateway';
import { expectTrpcError } from './fixtures';

/**
 * routing.explain with an unsaved `policy`: the console's dry run. The decision follows the given
 * policy, not the one in force, and nothing is stored; an invalid policy is refused with every
 * problem listed, as policies.put refuses it.
 */
const strong = { reasoning: 90, creativity: 90, precision: 90, speed: 90, context: 90 };

describe.each(testDrivers)('routing.explain with an unsaved policy on %s', (driver) => {
  let gateway: GatewayHarness;
  const inForce = {
    rules: [{ name: 'saved-review', priority: 10, when: { taskType: 'code-review' }, route: { strategy: 'pinned', models: ['dry-other'] } }],
    default: { strategy: 'capability' },
  };

  beforeAll(async () => {
    gateway = await startGateway({
      driver,
      objects: [
        gatewayModel('dry-best', 'simulated', undefined, { capabilities: strong }),
        gatewayModel('dry-summarizer', 'simulated', undefined),
        gatewayModel('dry-other', 'simulated', undefined),
        routingPolicy(inForce),
      ],
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const summarizeRequest = { model: 'auto', grove: { taskType: 'summarize' } };
  const unsaved = {
    rules: [
      { name: 'summaries', priority: 20, when: { taskType: 'summarize' }, route: { strategy: 'pinned', models: ['dry-summarizer', 'dry-other'] } },
      ...inForce.rules,
    ],
    default: { strategy: 'capability' },
  };

  it('decides with the given policy instead of the one in force, and stores nothing', async () => {
    const before = await gateway.grove.admin.policies.get({ id: 'default' });

    const saved = await gateway.grove.admin.route.explain(summarizeRequest);
    expect(saved.decision.rule).toBeNull();
    expect(saved.decision.chain[0]).toBe('dry-best');

    const dryRun = await gateway.grove.admin.route.explain({ ...summarizeRequest, policy: unsaved });
    expect(dryRun.decision.rule).toEqual({ name: 'summaries', priority: 20 });
    expect(dryRun.decision.strategy).toBe('pinned');
    expect(dryRun.decision.chain).toEqual(['dry-summarizer', 'dry-other']);
    expect(dryRun.decision.candidates.map((candidate) => candidate.modelId)).toEqual(expect.arrayContaining(['dry-summarizer', 'dry-other']));
    expect(dryRun.refusal).toBeNull();

    // the policy in force is untouched: same revision, and the next real request still follows it
    const after = await gateway.grove.admin.policies.get({ id: 'default' });
    expect(after.status.revision).toBe(before.status.revision);
    expect(after.spec.rules.map((rule) => rule.name)).toEqual(['saved-review']);
    expect((await gateway.grove.admin.policies.history({ id: 'default' })).items).toHaveLength(1);
    const served = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: 'auto', messages: [{ role: 'user', content: 'hi' }], grove: { taskType: 'summarize' } });
    expect(served.status, served.text).toBe(200);
    expect(served.headers.get('x-grove-model')).toBe('dry-best');
  });

  it('fills the given policy defaults as a stored policy would have them', async () => {
    const dryRun = await gateway.grove.admin.route.explain({ ...summarizeRequest, policy: { rules: [{ name: 'summaries', priority: 1, when: { taskType: 'summarize' }, route: {} }], default: {} } });
    expect(dryRun.decision.rule?.name).toBe('summaries');
    expect(dryRun.decision.strategy).toBe('capability');
    expect(dryRun.decision.route.chainLength).toBe(3);
    expect(dryRun.decision.chain).toHaveLength(3);
  });

  const invalid = {
    rules: [
      { name: 'unknown-model', priority: 30, when: { taskType: 'x', model: 'no-such-alias' }, route: { strategy: 'pinned', models: ['no-such-model'] } },
      { name: 'negative', priority: 40, when: { taskType: 'y' }, route: { strategy: 'weighted', split: [{ model: 'dry-best', weight: -1 }] } },
      { name: 'malformed', priority: 30, when: { promptTokens: { gt: 10, lt: 5 }, colour: 'blue' }, route: { strategy: 'cheapest' } },
    ],
    default: { strategy: 'capability', weights: { reasoning: -2 } },
  };
  const everyProblem = [
    'policy.default.weights.reasoning: weights must not be negative',
    'policy.rules[0].route.models[0]: unknown model "no-such-model"',
    'policy.rules[0].when.model: unknown model or alias "no-such-alias"',
    'policy.rules[1].route.split[0].weight: weights must not be negative',
    'policy.rules[2].priority: duplicate priority 30 (also rules[0])',
    'policy.rules[2].when.promptTokens: no token count satisfies this range',
  ];

  it('refuses an invalid policy with every problem, each at its path under `policy`', async () => {
    const problems = await expectTrpcError(gateway.grove.admin.route.explain({ ...summarizeRequest, policy: invalid }), 'BAD_REQUEST', /invalid RoutingPolicy/);
    const lines = problems.map((problem) => `${problem.path}: ${problem.message}`);
    expect(lines).toEqual(expect.arrayContaining(everyProblem));
    expect(lines.some((line) => line.startsWith('policy.rules[2].when: ') && line.includes('colour'))).toBe(true);
  });

  it('refuses it over REST too, as problem JSON, and a policy that is not an object', async () => {
    const rest = await postJson(`${gateway.url}/api/v1/route/explain`, gateway.adminKey, { ...summarizeRequest, policy: invalid });
    expect(rest.status, rest.text).toBe(400);
    const lines = (rest.json.problems as Array<{ path: string; message: string }>).map((problem) => `${problem.path}: ${problem.message}`);
    expect(lines).toEqual(expect.arrayContaining(everyProblem));

    const notAnObject = await expectTrpcError(gateway.grove.admin.route.explain({ ...summarizeRequest, policy: 'rules: []' }), 'BAD_REQUEST');
    expect(notAnObject.map((problem) => problem.path)).toEqual(['policy']);
  });
});
