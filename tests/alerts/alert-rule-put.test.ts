import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { expectTrpcError, modelObject } from '../routers/fixtures';

/** alerts.rules / put / delete: the console's typed way to one AlertRule, revision-checked like policies.put. */
describe.each(testDrivers)('alerts.put and alerts.delete on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    await grove.admin.objects.applyAll({ objects: [modelObject('claude-sonnet', { aliases: ['sonnet'] })] });
  });
  afterAll(async () => grove.close());

  it('creates a rule with its defaults, lists it, and replaces it naming the revision read', async () => {
    const created = await grove.admin.alerts.put({ id: 'slow-sonnet', spec: { metric: 'p95_latency_ms', model: 'claude-sonnet', comparator: '>', threshold: 1500, webhook: { url: 'http://127.0.0.1:9/hook', headers: { Authorization: 'Bearer token-9876' } } } });
    expect(created).toMatchObject({ kind: 'AlertRule', metadata: { id: 'slow-sonnet' }, spec: { windowSeconds: 60, forSeconds: 0, webhook: { headers: { Authorization: { set: true } } } }, status: { revision: 1 } });
    expect(JSON.stringify(await grove.admin.alerts.rules())).not.toContain('token-9876');
    expect((await grove.admin.alerts.rules()).items.map((rule) => rule.metadata.id)).toContain('slow-sonnet');
    // the state list knows the new rule at once
    expect((await grove.admin.alerts.list()).items.map((item) => item.alert)).toContain('slow-sonnet');

    await expectTrpcError(grove.admin.alerts.put({ id: 'slow-sonnet', spec: { metric: 'p95_latency_ms', comparator: '>', threshold: 1000 } }), 'CONFLICT', /revision: 1/);
    const updated = await grove.admin.alerts.put({ id: 'slow-sonnet', revision: 1, spec: { ...created.spec, threshold: 2500 } });
    expect(updated).toMatchObject({ spec: { threshold: 2500, webhook: { headers: { Authorization: { set: true } } } }, status: { revision: 2 } });
    // someone else saved first: the stale revision is refused, the newer rule stays
    await expectTrpcError(grove.admin.alerts.put({ id: 'slow-sonnet', revision: 1, spec: { ...created.spec, threshold: 10 } }), 'CONFLICT');
    expect((await grove.admin.objects.get({ kind: 'AlertRule', id: 'slow-sonnet' })).spec).toMatchObject({ threshold: 2500 });
  });

  it('refuses an invalid spec with every problem under its field, the unknown model among them', async () => {
    const problems = await expectTrpcError(grove.admin.alerts.put({ id: 'broken', spec: { metric: 'error_rate', model: 'nope', comparator: '>', threshold: 5, windowSeconds: 600, webhook: { url: 'not a url' } } }), 'BAD_REQUEST');
    expect(Object.fromEntries(problems.map((problem) => [problem.path, problem.message]))).toMatchObject({
      'spec.model': 'unknown model "nope"',
      'spec.threshold': expect.stringContaining('fraction'),
      'spec.windowSeconds': expect.stringContaining('at most 60'),
      'spec.webhook.url': expect.stringContaining('http(s)'),
    });
    expect((await grove.admin.alerts.rules()).items.map((rule) => rule.metadata.id)).not.toContain('broken');
  });

  it('deletes a rule naming its revision; a stale or unknown one is refused', async () => {
    const rule = await grove.admin.alerts.put({ id: 'to-delete', spec: { metric: 'error_rate', comparator: '>=', threshold: 0.5 } });
    await grove.admin.alerts.put({ id: 'to-delete', revision: 1, spec: { ...rule.spec, threshold: 0.4 } });
    await expectTrpcError(grove.admin.alerts.delete({ id: 'to-delete', revision: 1 }), 'CONFLICT');
    expect(await grove.admin.alerts.delete({ id: 'to-delete', revision: 2 })).toEqual({ deleted: true });
    expect((await grove.admin.alerts.rules()).items.map((item) => item.metadata.id)).not.toContain('to-delete');
    await expectTrpcError(grove.admin.alerts.delete({ id: 'to-delete', revision: 2 }), 'NOT_FOUND');
  });

  it('is admin-only', async () => {
    const { key } = await grove.admin.keys.create({ name: 'invoke-only', scopes: ['invoke'] });
    await expectTrpcError(grove.callerFor(key).alerts.put({ id: 'x', spec: { metric: 'error_rate', comparator: '>', threshold: 0.1 } }), 'FORBIDDEN');
    await expectTrpcError(grove.callerFor(key).alerts.rules(), 'FORBIDDEN');
  });
});
