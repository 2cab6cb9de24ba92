import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { objects as objectsTable } from '../../db/schema';
import { buildApp } from '../../server/app';
import { run } from '../../server/cli/run';
import { testDrivers } from '../support/database';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';
import { expectTrpcError, modelObject } from '../routers/fixtures';
import { alertRule } from './fixtures';

/**
 * AlertRule as a GroveObject: applied, validated with every problem listed, its webhook headers
 * stored like secrets, with revisions, and round-tripped through export and the CLI.
 */
describe.each(testDrivers)('AlertRule objects on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    await grove.admin.objects.applyAll({ objects: [modelObject('claude-sonnet', { aliases: ['sonnet'] })] });
  });
  afterAll(async () => grove.close());

  it('is applied as the issue writes it, defaults filled, and listed by kind', async () => {
    const { results } = await grove.admin.objects.applyAll({
      objects: [
        alertRule('sonnet-errors', { metric: 'error_rate', model: 'claude-sonnet', comparator: '>', threshold: 0.2, windowSeconds: 60, forSeconds: 0, webhook: { url: 'https://hooks.example.com/grove' } }),
        alertRule('slow', { metric: 'p95_latency_ms', comparator: '>=', threshold: 2000 }),
      ],
    });
    expect(results).toEqual([
      { kind: 'AlertRule', id: 'sonnet-errors', action: 'created', revision: 1 },
      { kind: 'AlertRule', id: 'slow', action: 'created', revision: 1 },
    ]);
    expect(await grove.admin.objects.get({ kind: 'AlertRule', id: 'slow' })).toMatchObject({ kind: 'AlertRule', spec: { metric: 'p95_latency_ms', comparator: '>=', threshold: 2000, windowSeconds: 60, forSeconds: 0 }, status: { revision: 1 } });
  });

  it('refuses an invalid rule with every problem listed, and writes nothing', async () => {
    const before = (await grove.services.database.db.select().from(objectsTable)).length;
    const problems = await expectTrpcError(
      grove.admin.objects.applyAll({
        objects: [alertRule('broken', { metric: 'latency', model: 'no-such-model', comparator: '!=', threshold: -1, windowSeconds: -5, forSeconds: 1.5, webhook: { url: 'ftp://hooks.example.com/x', headers: { Host: 'x' } } })],
      }),
      'BAD_REQUEST',
    );
    const byPath = Object.fromEntries(problems.map((problem) => [problem.path, problem.message]));
    expect(byPath).toMatchObject({
      'spec.metric': expect.stringContaining('error_rate'),
      'spec.model': 'unknown model "no-such-model"',
      'spec.comparator': expect.stringContaining('>='),
      'spec.threshold': expect.stringContaining('at least 0'),
      'spec.windowSeconds': expect.stringContaining('at least 1'),
      'spec.forSeconds': expect.stringContaining('whole number'),
      'spec.webhook.url': expect.stringContaining('http(s)'),
      'spec.webhook.headers.Host': expect.stringContaining('set by Grove'),
    });
    expect((await grove.services.database.db.select().from(objectsTable)).length).toBe(before);
  });

  it('names what is wrong with a model or a threshold that passes the schema', async () => {
    const alias = await expectTrpcError(grove.admin.objects.applyAll({ objects: [alertRule('by-alias', { metric: 'error_rate', model: 'sonnet', comparator: '>', threshold: 0.1 })] }), 'BAD_REQUEST');
    expect(alias).toEqual([{ path: 'spec.model', message: '"sonnet" is an alias: name the model id "claude-sonnet"' }]);
    const percent = await expectTrpcError(grove.admin.objects.applyAll({ objects: [alertRule('percent', { metric: 'error_rate', comparator: '>', threshold: 20, windowSeconds: 61 })] }), 'BAD_REQUEST');
    expect(percent.map((problem) => problem.path).sort()).toEqual(['spec.threshold', 'spec.windowSeconds']);
  });

  it('stores webhook headers like secrets: hidden in every answer, kept by export → apply, resolved for sending', async () => {
    const headers = { Authorization: 'Bearer hook-token-4321', 'X-Team': { env: 'GROVE_TEST_TEAM' } };
    await grove.admin.objects.applyAll({ objects: [alertRule('hooked', { metric: 'circuit_open', comparator: '>=', threshold: 1, webhook: { url: 'http://127.0.0.1:9/hook', headers } })] });
    const view = await grove.admin.objects.get({ kind: 'AlertRule', id: 'hooked' });
    expect(view.spec).toMatchObject({ webhook: { url: 'http://127.0.0.1:9/hook', headers: { Authorization: { set: true, last4: '4321' }, 'X-Team': { env: 'GROVE_TEST_TEAM' } } } });
    expect(JSON.stringify(view)).not.toContain('hook-token');
    const stored = await grove.services.database.db.select().from(objectsTable);
    expect(JSON.stringify(stored)).not.toContain('hook-token');
    expect(grove.services.registry.snapshot.webhookHeaders.get('hooked')).toEqual({ Authorization: 'Bearer hook-token-4321' });

    const exported = await grove.admin.objects.export({ kinds: ['AlertRule'] });
    const again = await grove.admin.objects.applyAll({ objects: JSON.parse(JSON.stringify(exported.objects)) as unknown[] });
    expect(again.results.map((result) => result.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    // the same value given again is unchanged too; a new one is an update
    expect((await grove.admin.objects.applyAll({ objects: [alertRule('hooked', { metric: 'circuit_open', comparator: '>=', threshold: 1, webhook: { url: 'http://127.0.0.1:9/hook', headers } })] })).results[0]!.action).toBe('unchanged');
    const changed = { ...headers, Authorization: { value: 'Bearer other-token-8765' } };
    expect((await grove.admin.objects.applyAll({ objects: [alertRule('hooked', { metric: 'circuit_open', comparator: '>=', threshold: 1, webhook: { url: 'http://127.0.0.1:9/hook', headers: changed } })] })).results[0]).toMatchObject({ action: 'updated', revision: 2 });
    expect(grove.services.registry.snapshot.webhookHeaders.get('hooked')).toEqual({ Authorization: 'Bearer other-token-8765' });

    const history = await grove.admin.objects.history({ kind: 'AlertRule', id: 'hooked' });
    expect(history.items.map((item) => item.revision)).toEqual([1, 2]);
    expect(JSON.stringify(history)).not.toMatch(/hook-token|other-token/);
  });

  it('keeps a model an alert watches from being deleted', async () => {
    await grove.admin.objects.applyAll({ objects: [modelObject('watched', { lifecycle: 'draft' }), alertRule('watching', { metric: 'error_rate', model: 'watched', comparator: '>', threshold: 0.5 })] });
    const problems = await expectTrpcError(grove.admin.models.delete({ id: 'watched' }), 'BAD_REQUEST');
    expect(problems).toEqual([{ path: 'Model/watched', message: 'still referred to by AlertRule/watching' }]);
  });
});

describe('AlertRule through the CLI', () => {
  let grove: TestServices;
  let url: string;
  let close: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'grove-alert-cli-'));
  beforeAll(async () => {
    grove = await startTestServices({ env: { GROVE_STATIC_DIR: '/nonexistent/grove-console' } });
    const app = await buildApp(grove.services);
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await app.close();
      await grove.close();
    };
  });
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: { GROVE_URL: url, GROVE_API_KEY: ADMIN_KEY } });
    return { code, stdout, stderr };
  };

  it('applies a YAML file, exports it back in a form that applies unchanged', async () => {
    const path = join(dir, 'alerts.yaml');
    writeFileSync(
      path,
      `apiVersion: grove/v1
kind: AlertRule
metadata: { id: fleet-cost }
spec:
  metric: cost_per_hour_usd
  comparator: '>'
  threshold: 5
  windowSeconds: 30
  forSeconds: 10
  webhook: { url: 'https://hooks.example.com/grove', headers: { Authorization: 'Bearer secret-abcd' } }
`,
    );
    expect(await cli(['apply', '-f', path])).toMatchObject({ code: 0, stdout: 'alertrule/fleet-cost created\n' });
    const exported = await cli(['export', '--kind', 'alertrule']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).not.toContain('secret-abcd');
    const [document] = parseAllDocuments(exported.stdout).map((doc) => doc.toJS() as { spec: Record<string, unknown> });
    expect(Object.keys(document!.spec)).toEqual(['metric', 'comparator', 'threshold', 'windowSeconds', 'forSeconds', 'webhook']);
    writeFileSync(path, exported.stdout);
    expect(await cli(['apply', '-f', path])).toMatchObject({ code: 0, stdout: 'alertrule/fleet-cost unchanged\n' });
  });
});
