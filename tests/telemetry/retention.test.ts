import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricRollups } from '../../db/schema';
import { applyRetention } from '../../server/telemetry/retention';
import { insertRollups } from '../../server/telemetry/rollup-repository';
import { insertCircuitChanges } from '../../server/telemetry/timeline-repository';
import type { RollupRow } from '../../server/telemetry/rollups';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { completed } from './requests';

const DAY = 86_400_000;

function rollup(bucketStart: number): RollupRow {
  return { bucketStart, bucketSeconds: 60, modelId: 'm', keyId: 'k', requests: 1, errors: 0, failovers: 0, inputTokens: 1, outputTokens: 1, costUsd: 0.1, latency: '[1000,1]', ttft: null };
}

/** Neither the rollups nor the request log grow without bound: what is past its retention goes. */
describe.each(testDrivers)('retention on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    // telemetry off: the old requests below go to the request log only, not also into rollups that
    // the aggregator would close and store at its next tick (a race with the counts asserted here)
    grove = await startTestServices({ driver, env: { GROVE_TELEMETRY: 'off' } });
  });
  afterAll(async () => {
    await grove?.close();
  });

  it('deletes rollups and request-log rows older than their retention, in batches, and keeps the rest', { timeout: 60_000 }, async () => {
    const { db } = grove.services.database;
    const now = Date.now();
    const minute = (time: number) => Math.floor(time / 60_000) * 60_000;
    // 6,000 old rollups (more than one delete batch), two recent ones
    const old = Array.from({ length: 6_000 }, (_, index) => rollup(minute(now - 3 * DAY) - index * 60_000));
    await insertRollups(db, 'test', old);
    await insertRollups(db, 'test', [rollup(minute(now - DAY)), rollup(minute(now))]);
    for (const days of [5, 1.5, 0.5, 0]) grove.services.events.emit(completed({ id: `retention-${days}`, at: now - days * DAY, latencyMs: 5 }));
    await grove.services.requestLog.flush();
    // circuit changes are kept as long as the rollups (the timeline sits beside the charts)
    const change = (id: string, at: number) => ({ id, at, instanceId: 'test', modelId: 'm', from: 'closed', to: 'open', reason: 'test' });
    await insertCircuitChanges(db, [change('old', now - 3 * DAY), change('recent', now - DAY)]);

    expect(await applyRetention(db, { metricsDays: 2, requestLogDays: 1 }, now)).toEqual({ rollups: 6_000, requestLog: 2, circuitChanges: 1 });
    const logged = await grove.admin.decisions.list({ limit: 10 });
    expect(logged.items.map((item) => item.id).sort()).toEqual(['retention-0', 'retention-0.5']);
    const kept = await db.select({ bucketStart: metricRollups.bucketStart }).from(metricRollups);
    expect(kept.map((row) => Date.parse(row.bucketStart)).sort()).toEqual([minute(now - DAY), minute(now)]);
    // nothing left to delete
    expect(await applyRetention(db, { metricsDays: 2, requestLogDays: 1 }, now)).toEqual({ rollups: 0, requestLog: 0, circuitChanges: 0 });
  });
});
