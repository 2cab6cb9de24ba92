import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, runCli, startCliServer, type CliServer } from './cli-server';

const examples = readFileSync('examples/models.yaml', 'utf8');
const exampleCount = examples.split(/^---$/m).length;

let server: CliServer;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grove-cli-'));
  server = await startCliServer();
  env = { GROVE_URL: server.url, GROVE_API_KEY: ADMIN_KEY };
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const lines = (text: string) => text.trim().split('\n');
const models = () => server.test.services.registry.list('Model').map((model) => model.metadata.id);

describe('grove apply', () => {
  test('creates every object of the example registry, then finds them all unchanged', async () => {
    const first = await runCli(['apply', '-f', 'examples/models.yaml'], { env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(lines(first.stdout)).toHaveLength(exampleCount);
    expect(lines(first.stdout)).toContain('model/claude-sonnet created');
    expect(lines(first.stdout)).toContain('capability/coding created');
    expect(lines(first.stdout).every((line) => / created$/.test(line))).toBe(true);

    const second = await runCli(['apply', '-f', 'examples/models.yaml'], { env });
    expect(second.code).toBe(0);
    expect(lines(second.stdout).every((line) => / unchanged$/.test(line))).toBe(true);
    expect(lines(second.stdout)).toHaveLength(exampleCount);
  });

  test('the example policy applies on top of the example registry, and routes as its comments say', async () => {
    const applied = await runCli(['apply', '-f', 'examples/models.yaml', '-f', 'examples/policy.yaml'], { env });
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(lines(applied.stdout)).toContainEqual(expect.stringMatching(/^routingpolicy\/default (created|updated|unchanged)$/i));
    const explain = await runCli(['explain', '--model', 'auto', '--prompt', 'Review this diff', '--task-type', 'code-review', '-o', 'json'], { env });
    // without provider keys the pinned models cannot serve (exit 1), but the rule that matched is the review rule
    expect(explain.stderr).toBe('');
    expect(JSON.parse(explain.stdout)).toMatchObject({ decision: { rule: expect.objectContaining({ name: 'code-review' }) } });
  });

  test('a changed field updates that one object only', async () => {
    const changed = file('changed.yaml', examples.replace('pricing: { inputPer1M: 0.2, outputPer1M: 0.6 }', 'pricing: { inputPer1M: 0.25, outputPer1M: 0.6 }'));
    const result = await runCli(['apply', '-f', changed], { env });
    expect(result.code).toBe(0);
    expect(lines(result.stdout).filter((line) => !line.endsWith(' unchanged'))).toEqual(['model/sim-swift updated']);
    expect(server.test.services.registry.get('Model', 'sim-swift').spec.pricing).toEqual({ inputPer1M: 0.25, outputPer1M: 0.6 });
  });

  test('--dry-run reports what would happen and writes nothing', async () => {
    const path = file('dry.yaml', capability('dry-cap'));
    const result = await runCli(['apply', '--dry-run', '-f', path], { env });
    expect(result).toMatchObject({ code: 0, stdout: 'capability/dry-cap created (dry run)\n' });
    expect(server.test.services.registry.list('Capability').map((object) => object.metadata.id)).not.toContain('dry-cap');
  });

  test('an invalid file writes nothing and lists every problem against its document and line', async () => {
    const path = file('bad.yaml', [capability('never-written'), model('bad-price', { price: -1 }), model('bad-provider', { provider: 'nope' })].join('---\n'));
    const result = await runCli(['apply', '-f', path], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('nothing was applied: 2 problems');
    // the line of the offending field: document 2 starts on line 7, its pricing sits on line 13
    expect(result.stderr).toContain(`${path}:13 document 2 (Model/bad-price): spec.pricing.inputPer1M: Too small`);
    expect(result.stderr).toMatch(new RegExp(`${path}:\\d+ document 3 \\(Model/bad-provider\\): spec.provider: `));
    expect(server.test.services.registry.list('Capability').map((object) => object.metadata.id)).not.toContain('never-written');
    expect(models()).not.toContain('bad-price');
  });

  test('a problem across objects (an unknown fallback) points at its document', async () => {
    const path = file('fallback.yaml', [capability('also-never'), model('lonely', { fallbacks: '[ghost]' })].join('---\n'));
    const result = await runCli(['apply', '-f', path], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/document 2 \(Model\/lonely\): spec\.fallbacks\[0\]: unknown model "ghost"/);
  });

  test('a single invalid object maps its unprefixed problems to the file', async () => {
    const path = file('one.yaml', model('just-one', { price: -5 }));
    const result = await runCli(['apply', '-f', path], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path}:7 document 1 (Model/just-one): spec.pricing.inputPer1M:`);
  });

  test('a YAML syntax error names the document and line, and sends nothing', async () => {
    const path = file('syntax.yaml', `${capability('syntax-ok')}---\napiVersion: grove/v1\nkind: Model\nmetadata: { id: broken\nspec: {}\n`);
    const result = await runCli(['apply', '-f', path], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^grove: ${path}:\\d+: document 2: `));
    expect(server.test.services.registry.list('Capability').map((object) => object.metadata.id)).not.toContain('syntax-ok');
  });

  test('reads JSON: { objects: [...] }, a list, or one object', async () => {
    const object = { apiVersion: 'grove/v1', kind: 'Capability', metadata: { id: 'json-cap' }, spec: { defaultScore: 40 } };
    const wrapped = await runCli(['apply', '-f', file('wrapped.json', JSON.stringify({ objects: [object] }, null, 2))], { env });
    expect(wrapped).toMatchObject({ code: 0, stdout: 'capability/json-cap created\n' });
    const list = await runCli(['apply', '-f', file('list.json', JSON.stringify([object]))], { env });
    expect(list.stdout).toBe('capability/json-cap unchanged\n');
    const single = await runCli(['apply', '-f', file('single.json', JSON.stringify({ ...object, spec: { defaultScore: 41 } }))], { env });
    expect(single.stdout).toBe('capability/json-cap updated\n');
  });

  test('a JSON syntax error names the line', async () => {
    const path = file('broken.json', '{\n  "objects": [\n    { "kind": "Capability", }\n  ]\n}\n');
    const result = await runCli(['apply', '-f', path], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^grove: ${path}:3: invalid JSON: `));
  });

  test('-f - reads standard input', async () => {
    const result = await runCli(['apply', '-f', '-'], { env, stdin: capability('from-stdin') });
    expect(result).toMatchObject({ code: 0, stdout: 'capability/from-stdin created\n' });
  });

  test('several files go in one all-or-nothing call', async () => {
    const good = file('good.yaml', capability('multi-good'));
    const bad = file('bad-too.yaml', model('multi-bad', { price: -1 }));
    const result = await runCli(['apply', '-f', good, '-f', bad], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:7 document 1 (Model/multi-bad): spec.pricing.inputPer1M`);
    expect(server.test.services.registry.list('Capability').map((object) => object.metadata.id)).not.toContain('multi-good');
  });

  test('a file with no objects, or an unreadable one, fails with exit code 1', async () => {
    expect(await runCli(['apply', '-f', file('empty.yaml', '# nothing\n')], { env })).toMatchObject({ code: 1, stderr: expect.stringContaining('no objects found') });
    expect(await runCli(['apply', '-f', file('scalar.yaml', 'just a string\n')], { env })).toMatchObject({ code: 1, stderr: expect.stringContaining('document 1: expected a GroveObject') });
    expect(await runCli(['apply', '-f', join(dir, 'missing.yaml')], { env })).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read') });
    expect(await runCli(['apply', '-f', '-'], { env })).toMatchObject({ code: 1, stderr: 'grove: no standard input to read\n' });
  });
});

function capability(id: string): string {
  return `apiVersion: grove/v1\nkind: Capability\nmetadata: { id: ${id} }\nspec:\n  defaultScore: 10\n`;
}

function model(id: string, options: { price?: number; provider?: string; fallbacks?: string }): string {
  return [
    'apiVersion: grove/v1',
    'kind: Model',
    `metadata: { id: ${id} }`,
    'spec:',
    `  provider: ${options.provider ?? 'simulated'}`,
    '  model: sim-1',
    `  pricing: { inputPer1M: ${options.price ?? 1}, outputPer1M: 2 }`,
    '  capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }',
    '  contextWindow: 8000',
    '  maxOutputTokens: 1000',
    ...(options.fallbacks ? [`  fallbacks: ${options.fallbacks}`] : []),
    '',
  ].join('\n');
}
