import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, runCli, startCliServer, type CliServer } from './cli-server';

let server: CliServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startCliServer();
  env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
});
afterAll(async () => {
  await server?.close();
});

const policyPinning = (model: string) => ({ apiVersion: 'grove/v1', kind: 'RoutingPolicy', metadata: { id: 'default' }, spec: { default: { strategy: 'pinned', models: [model] } } });

describe('grove demo remove', () => {
  test('deletes the demo models of examples/models.yaml, all or nothing, and nothing else', async () => {
    expect(await runCli(['apply', '-f', 'examples/models.yaml'], { env })).toMatchObject({ code: 0 });
    const registry = server.test.services.registry;

    // a policy that still names one: refused, nothing deleted
    await registry.apply('test', [policyPinning('sim-sage')]);
    const refused = await runCli(['demo', 'remove'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('still referred to by');
    expect(registry.snapshot.models.filter((model) => model.metadata.id.startsWith('sim-'))).toHaveLength(3);

    await registry.apply('test', [policyPinning('claude-sonnet')]);
    expect(await runCli(['demo', 'remove'], { env })).toEqual({ code: 0, stdout: 'deleted Model/sim-flaky\ndeleted Model/sim-sage\ndeleted Model/sim-swift\n', stderr: '' });
    expect(registry.snapshot.models.map((model) => model.metadata.id).sort()).toEqual(['claude-haiku', 'claude-opus', 'claude-sonnet', 'gemini-flash', 'gemini-flash-lite', 'gemini-pro', 'local-llama']);
    expect(await runCli(['demo', 'remove'], { env })).toMatchObject({ code: 0, stdout: 'no demo models to delete\n' });
  });

  test('usage', async () => {
    expect(await runCli(['demo'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('name a demo command: remove') });
    expect(await runCli(['demo', '--help'], { env })).toMatchObject({ code: 0, stdout: expect.stringContaining('grove demo remove') });
  });
});
