import { ADMIN_KEY, runCli, startCliServer, type CliServer } from './cli-server';

let server: CliServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startCliServer();
  env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
  expect((await runCli(['apply', '-f', 'examples/models.yaml'], { env })).code).toBe(0);
});
afterAll(async () => {
  await server?.close();
});

describe('grove explain', () => {
  test('shows the chain and why each candidate was or was not chosen, without calling a model', async () => {
    const result = await runCli(['explain', '--model', 'auto', '--prompt', 'Summarise this'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^request {3}auto\nrule {6}default route\nstrategy {2}capability\nchain {5}\S+/);
    // the seeded Claude and Gemini models have no key on this server: excluded, with the reason
    expect(result.stdout).toMatch(/- {2}claude-sonnet {2}excluded: no_key/);
    expect(result.stdout).toMatch(/#1 sim-\w+ {2}score \d/);
    // a draft is excluded for invoke keys, allowed when routing as admin
    expect(result.stdout).toMatch(/local-llama {2}excluded: (draft_not_allowed|lifecycle)/);
  });

  test('an explicit model and requirements: the alias resolves, minimums exclude, json output parses', async () => {
    const result = await runCli(['explain', '--model', 'sage', '--minimum', 'reasoning=85', '--weight', 'reasoning=1', '-o', 'json'], { env });
    expect(result.code).toBe(0);
    const { decision } = JSON.parse(result.stdout) as { decision: { chain: string[]; resolvedModel: string; candidates: Array<{ modelId: string; excluded?: { reason: string } }> } };
    expect(decision.resolvedModel).toBe('sim-sage');
    expect(decision.chain[0]).toBe('sim-sage');
    expect(decision.candidates.find((candidate) => candidate.modelId === 'sim-swift')?.excluded?.reason).toBe('below_minimum');
  });

  test('an unknown model is explained as such; bad flags are usage errors', async () => {
    const unknown = await runCli(['explain', '--model', 'no-such-model'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/would be refused: 404 model_not_found: .*no-such-model/);
    expect((await runCli(['explain', '--weight', 'reasoning'], { env })).code).toBe(2);
    expect((await runCli(['explain', '--as', 'root'], { env })).code).toBe(2);
    expect((await runCli(['explain', '--max-tokens', '-3'], { env })).code).toBe(2);
    expect((await runCli(['explain', '--help'], { env })).stdout).toContain('No model is called');
  });
});
