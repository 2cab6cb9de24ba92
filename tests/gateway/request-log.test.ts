import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestCompleted } from '../../server/events';
import { databaseSink } from '../../server/gateway/log-sink';
import { listDecisions, RequestLogWriter } from '../../server/gateway/request-log';
import { createLogger } from '../../server/logger';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';

/** The batched writer on its own: batches, the bounded queue, and a database that fails. */
function event(id: string, at: number): RequestCompleted {
  return {
    type: 'request.completed',
    id,
    at,
    requestedModel: 'auto',
    servedModel: 'log-model',
    rule: null,
    stream: false,
    outcome: 'ok',
    status: 200,
    latencyMs: 12.5,
    attempts: [{ modelId: 'log-model', provider: 'simulated', startedAt: at, latencyMs: 12.5, outcome: 'ok' }],
    decision: { id, chain: ['log-model'], candidates: [{ modelId: 'log-model', eligible: true }] },
  };
}

describe.each(testDrivers)('request log writer on %s', (driver) => {
  let grove: TestServices;
  const sinkFor = (services: TestServices) => databaseSink(services.services.database.db);
  beforeAll(async () => {
    grove = await startTestServices({ driver });
  });
  afterAll(async () => {
    await grove?.close();
  });

  it('writes a full batch at once and the rest on its timer', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 30, batchSize: 3, maxQueue: 100 });
    const at = Date.now();
    for (let index = 0; index < 4; index += 1) writer.enqueue(event(`log-batch-${index}`, at + index));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await listDecisions(grove.services.database.db, { model: 'log-model', limit: 10 });
    expect(rows.map((row) => row.id).sort()).toEqual(['log-batch-0', 'log-batch-1', 'log-batch-2', 'log-batch-3']);
    expect(rows[0]).toMatchObject({ outcome: 'ok', latencyMs: 12.5, attempts: [{ modelId: 'log-model', outcome: 'ok' }] });
    // the same id twice is written once
    writer.enqueue(event('log-batch-0', at));
    await writer.flush();
    expect(await listDecisions(grove.services.database.db, { model: 'log-model', limit: 10 })).toHaveLength(4);
  });

  it('drops the oldest rows past maxQueue, and counts them', async () => {
    const writer = new RequestLogWriter(sinkFor(grove), createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 2 });
    const at = Date.now() - 10_000;
    for (let index = 0; index < 5; index += 1) writer.enqueue(event(`log-drop-${index}`, at));
    expect(writer.dropped).toBe(3);
    await writer.flush();
    const rows = await listDecisions(grove.services.database.db, { since: new Date(at - 1).toISOString(), until: new Date(at + 1).toISOString(), limit: 10 });
    expect(rows.map((row) => row.id).sort()).toEqual(['log-drop-3', 'log-drop-4']);
  });

  it('counts a failed batch as dropped instead of throwing', async () => {
    const spare = await startTestServices({ driver });
    const sink = sinkFor(spare);
    await spare.close();
    const writer = new RequestLogWriter(sink, createLogger('silent'), { intervalMs: 60_000, batchSize: 100, maxQueue: 100 });
    writer.enqueue(event('log-lost', Date.now()));
    await writer.flush();
    expect(writer.dropped).toBe(1);
  });
});
