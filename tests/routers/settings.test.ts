import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { expectTrpcError } from './fixtures';

describe.each(testDrivers)('what the Settings page reads, on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver, env: { GROVE_METRICS_RETENTION_DAYS: '14', GROVE_REQUEST_LOG_RETENTION_DAYS: '3' } });
  });
  afterAll(async () => grove?.close());

  it('keys.list says when each key last authenticated a request, null before its first', async () => {
    const created = await grove.admin.keys.create({ name: 'reader', scopes: ['metrics'] });
    const before = (await grove.admin.keys.list()).items.find((key) => key.id === created.view.id);
    expect(before?.lastUsedAt).toBeNull();

    const startedAt = Date.now();
    await grove.callerFor(created.key).metrics.live({});
    const after = (await grove.admin.keys.list()).items.find((key) => key.id === created.view.id);
    expect(Date.parse(after!.lastUsedAt!)).toBeGreaterThanOrEqual(startedAt - 1);
    // a wrong key is nobody's use
    grove.callerFor('grove_not_a_key');
    expect((await grove.admin.keys.list()).items.find((key) => key.id === created.view.id)?.lastUsedAt).toBe(after!.lastUsedAt);
  });

  it('system.settings reports the retention the server applies and where it is set', async () => {
    expect(await grove.admin.system.settings()).toEqual({
      retention: { metricsDays: 14, requestLogDays: 3, source: 'environment', variables: { metricsDays: 'GROVE_METRICS_RETENTION_DAYS', requestLogDays: 'GROVE_REQUEST_LOG_RETENTION_DAYS' } },
    });
  });

  it('both are for admin keys only', async () => {
    const invoke = await grove.admin.keys.create({ name: 'invoker', scopes: ['invoke'] });
    await expectTrpcError(grove.callerFor(invoke.key).keys.list(), 'FORBIDDEN');
    await expectTrpcError(grove.callerFor(invoke.key).system.settings(), 'FORBIDDEN');
  });
});
