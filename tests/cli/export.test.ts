import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ADMIN_KEY, runCli, startCliServer, type CliServer } from './cli-server';

let server: CliServer;
let env: Record<string, string>;
let dir: string;

const secretModel = `apiVersion: grove/v1
kind: Model
metadata: { id: keyed, title: Keyed, labels: { team: search, a: b } }
spec:
  provider: openai-compatible
  model: gpt-local
  baseUrl: http://127.0.0.1:9999/v1
  apiKey: { value: sk-test-secret-9876 }
  capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }
  contextWindow: 8000
  maxOutputTokens: 1000
  pricing: { inputPer1M: 1, outputPer1M: 2 }
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grove-cli-export-'));
  server = await startCliServer();
  env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
  const path = join(dir, 'secret.yaml');
  writeFileSync(path, secretModel);
  expect((await runCli(['apply', '-f', 'examples/models.yaml', '-f', path], { env })).code).toBe(0);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('grove export', () => {
  test('prints YAML that apply takes back as all unchanged, secrets kept hidden', async () => {
    const exported = await runCli(['export'], { env });
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain('sk-test-secret');
    expect(exported.stdout).not.toMatch(/^status:/m);

    const documents = parseAllDocuments(exported.stdout).map((document) => document.toJS());
    expect(documents.length).toBe(server.test.services.registry.list('Model').length + server.test.services.registry.list('Capability').length);
    for (const document of documents) expect(Object.keys(document)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const keyed = documents.find((document) => document.metadata.id === 'keyed');
    expect(keyed.spec.apiKey).toEqual({ set: true, last4: '9876' });
    expect(Object.keys(keyed.spec).slice(0, 5)).toEqual(['provider', 'model', 'baseUrl', 'apiKey', 'capabilities']);
    expect(Object.keys(keyed.spec.capabilities)).toEqual(['reasoning', 'creativity', 'precision', 'speed', 'context']);
    expect(Object.keys(keyed.metadata.labels)).toEqual(['a', 'team']);

    const path = join(dir, 'exported.yaml');
    writeFileSync(path, exported.stdout);
    const applied = await runCli(['apply', '-f', path], { env });
    expect(applied.code).toBe(0);
    const lines = applied.stdout.trim().split('\n');
    expect(lines).toHaveLength(documents.length);
    expect(lines.every((line) => line.endsWith(' unchanged'))).toBe(true);
  });

  test('is stable: two exports of the same registry are identical', async () => {
    const [first, second] = await Promise.all([runCli(['export'], { env }), runCli(['export'], { env })]);
    expect(first.stdout).toBe(second.stdout);
  });

  test('--kind and -o json narrow and change the output', async () => {
    const result = await runCli(['export', '--kind', 'capability', '-o', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'coding', title: 'Coding' }, spec: { description: 'Writing, reviewing and fixing code.', defaultScore: 50 } }]);
    const path = join(dir, 'exported.json');
    writeFileSync(path, result.stdout);
    expect(await runCli(['apply', '-f', path], { env })).toMatchObject({ code: 0, stdout: 'capability/coding unchanged\n' });
  });

  test('wrong options are usage errors', async () => {
    expect(await runCli(['export', '-o', 'xml'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('-o must be yaml or json') });
    expect(await runCli(['export', '--kind', 'Widget'], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown kind "Widget"') });
    expect(await runCli(['export', '--help'], { env })).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: grove export') });
  });
});
