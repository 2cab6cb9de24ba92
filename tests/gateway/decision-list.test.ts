import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestCompleted } from '../../server/events';
import { decisionPageQuery } from '../../server/gateway/decision-log';
import { copyLine, databaseSink } from '../../server/gateway/log-sink';
import { testDrivers } from '../support/database';
import { explainedDecision } from '../support/decisions';
import { startTestServices, type TestServices } from '../support/services';

/** decisions.list's filters, search and pages, through the router, on each database. */

const BASE = Date.parse('2026-03-01T12:00:00.000Z');

function event(index: number, fields: Partial<RequestCompleted> = {}): RequestCompleted {
  const id = `chatcmpl-list${String(index).padStart(4, '0')}`;
  return {
    type: 'request.completed',
    id,
    at: BASE + index * 1000,
    keyId: 'key-a',
    requestedModel: 'auto',
    servedModel: 'model-a',
    rule: null,
    stream: false,
    outcome: 'ok',
    status: 200,
    latencyMs: 10,
    costUsd: 0.000123,
    attempts: [{ modelId: fields.servedModel ?? 'model-a', provider: 'simulated', startedAt: BASE + index * 1000, latencyMs: 10, outcome: 'ok' }],
    decision: explainedDecision(id, ['model-a']),
    ...fields,
  };
}

async function write(grove: TestServices, events: RequestCompleted[]): Promise<void> {
  await databaseSink(grove.services.database).write(Buffer.from(events.map(copyLine).join(''), 'utf8'));
}

const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id);

describe.each(testDrivers)('decisions.list on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    await write(grove, [
      event(1),
      event(2, { servedModel: 'model-b', rule: 'code-review', requestedModel: 'sonnet' }),
      event(3, { outcome: 'error', status: 502, errorKind: 'server', servedModel: undefined }),
      event(4, { rule: 'code-review', keyId: 'key-b' }),
      event(5, { requestedModel: 'model_b%', servedModel: 'model-b' }),
      // two requests in the same millisecond: the id orders them, on every page
      event(6, { id: 'chatcmpl-same-b', at: BASE + 6000 }),
      event(7, { id: 'chatcmpl-same-a', at: BASE + 6000 }),
    ]);
  });
  afterAll(async () => {
    await grove?.close();
  });

  const range = { since: new Date(BASE).toISOString(), until: new Date(BASE + 60_000).toISOString() };

  it('keeps the inputs it had: served model, outcome, time range, limit; newest first', async () => {
    expect(ids(await grove.admin.decisions.list({ ...range }))).toEqual(['chatcmpl-same-b', 'chatcmpl-same-a', 'chatcmpl-list0005', 'chatcmpl-list0004', 'chatcmpl-list0003', 'chatcmpl-list0002', 'chatcmpl-list0001']);
    expect(ids(await grove.admin.decisions.list({ ...range, model: 'model-b' }))).toEqual(['chatcmpl-list0005', 'chatcmpl-list0002']);
    expect(ids(await grove.admin.decisions.list({ ...range, outcome: 'error' }))).toEqual(['chatcmpl-list0003']);
    expect(ids(await grove.admin.decisions.list({ since: new Date(BASE + 2000).toISOString(), until: new Date(BASE + 4000).toISOString() }))).toEqual(['chatcmpl-list0004', 'chatcmpl-list0003', 'chatcmpl-list0002']);
    expect((await grove.admin.decisions.list({ ...range, limit: 2 })).items).toHaveLength(2);
    expect(await grove.admin.decisions.list({ until: new Date(BASE - 1).toISOString() })).toEqual({ items: [], nextCursor: null });
  });

  it('finds a decision by every model it touched: served, failed over from, failed, skipped', async () => {
    const failed = (modelId: string, outcome: 'error' | 'skipped' = 'error') => ({ modelId, provider: 'simulated', startedAt: BASE, latencyMs: 5, outcome, errorKind: outcome === 'error' ? ('server' as const) : undefined });
    const served = (modelId: string) => ({ modelId, provider: 'simulated', startedAt: BASE, latencyMs: 5, outcome: 'ok' as const });
    const window = { since: new Date(BASE + 70_000).toISOString(), until: new Date(BASE + 80_000).toISOString() };
    await write(grove, [
      // model-x failed, model-y served
      event(71, { id: 'chatcmpl-failover', servedModel: 'model-y', attempts: [failed('model-x'), served('model-y')] }),
      // model-x alone, failed: nothing served
      event(72, { id: 'chatcmpl-failed', servedModel: undefined, outcome: 'error', status: 502, attempts: [failed('model-x')] }),
      // model-x's circuit open: skipped, model-z served
      event(73, { id: 'chatcmpl-skipped', servedModel: 'model-z', attempts: [failed('model-x', 'skipped'), served('model-z')] }),
      event(74, { id: 'chatcmpl-served-x', servedModel: 'model-x', attempts: [served('model-x')] }),
      // failed once, then served on its second try: listed once
      event(75, { id: 'chatcmpl-retried-x', servedModel: 'model-x', attempts: [failed('model-x'), served('model-x')] }),
    ]);
    expect(ids(await grove.admin.decisions.list({ ...window, model: 'model-x' }))).toEqual(['chatcmpl-retried-x', 'chatcmpl-served-x', 'chatcmpl-skipped', 'chatcmpl-failed', 'chatcmpl-failover']);
    expect(ids(await grove.admin.decisions.list({ ...window, model: 'model-y' }))).toEqual(['chatcmpl-failover']);
    expect(ids(await grove.admin.decisions.list({ ...window, model: 'model-x', outcome: 'error' }))).toEqual(['chatcmpl-failed']);
    // the free-text search finds them by that model's name too
    expect(ids(await grove.admin.decisions.list({ ...window, q: 'MODEL-X' }))).toEqual(['chatcmpl-retried-x', 'chatcmpl-served-x', 'chatcmpl-skipped', 'chatcmpl-failed', 'chatcmpl-failover']);
    // pages run across both kinds, each row once
    const first = await grove.admin.decisions.list({ ...window, model: 'model-x', limit: 2 });
    expect(ids(first)).toEqual(['chatcmpl-retried-x', 'chatcmpl-served-x']);
    const second = await grove.admin.decisions.list({ ...window, model: 'model-x', limit: 2, cursor: first.nextCursor! });
    expect(ids(second)).toEqual(['chatcmpl-skipped', 'chatcmpl-failed']);
    const third = await grove.admin.decisions.list({ ...window, model: 'model-x', limit: 2, cursor: second.nextCursor! });
    expect(third).toMatchObject({ items: [{ id: 'chatcmpl-failover', servedModel: 'model-y' }], nextCursor: null });
  });

  it('filters by rule, key and requested model', async () => {
    expect(ids(await grove.admin.decisions.list({ ...range, rule: 'code-review' }))).toEqual(['chatcmpl-list0004', 'chatcmpl-list0002']);
    expect(ids(await grove.admin.decisions.list({ ...range, key: 'key-b' }))).toEqual(['chatcmpl-list0004']);
    expect(ids(await grove.admin.decisions.list({ ...range, requestedModel: 'sonnet' }))).toEqual(['chatcmpl-list0002']);
    expect(ids(await grove.admin.decisions.list({ ...range, rule: 'code-review', model: 'model-b' }))).toEqual(['chatcmpl-list0002']);
  });

  it('searches a decision id prefix, a model name or a rule name; wildcards match only themselves', async () => {
    expect(ids(await grove.admin.decisions.list({ ...range, q: 'chatcmpl-list0003' }))).toEqual(['chatcmpl-list0003']);
    expect(ids(await grove.admin.decisions.list({ ...range, q: 'chatcmpl-same' }))).toEqual(['chatcmpl-same-b', 'chatcmpl-same-a']);
    // a part of an id is not a prefix
    expect(ids(await grove.admin.decisions.list({ ...range, q: 'list0003' }))).toEqual([]);
    expect(ids(await grove.admin.decisions.list({ ...range, q: 'SONNET' }))).toEqual(['chatcmpl-list0002']);
    expect(ids(await grove.admin.decisions.list({ ...range, q: 'review' }))).toEqual(['chatcmpl-list0004', 'chatcmpl-list0002']);
    expect(ids(await grove.admin.decisions.list({ ...range, q: 'model-b' }))).toEqual(['chatcmpl-list0005', 'chatcmpl-list0002']);
    expect(ids(await grove.admin.decisions.list({ ...range, q: '_b%' }))).toEqual(['chatcmpl-list0005']);
    expect(ids(await grove.admin.decisions.list({ ...range, q: '%' }))).toEqual(['chatcmpl-list0005']);
  });

  it('pages older with a cursor, in a stable order, each row once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await grove.admin.decisions.list({ ...range, limit: 2, cursor });
      seen.push(...ids(answer));
      if (!answer.nextCursor) break;
      cursor = answer.nextCursor;
    }
    expect(seen).toEqual(['chatcmpl-same-b', 'chatcmpl-same-a', 'chatcmpl-list0005', 'chatcmpl-list0004', 'chatcmpl-list0003', 'chatcmpl-list0002', 'chatcmpl-list0001']);
    // the tie in time is split between two pages and kept in order
    const first = await grove.admin.decisions.list({ ...range, limit: 1 });
    expect(first.nextCursor).toBe('2026-03-01T12:00:06.000Z_chatcmpl-same-b');
    expect(ids(await grove.admin.decisions.list({ ...range, limit: 1, cursor: first.nextCursor! }))).toEqual(['chatcmpl-same-a']);
    // the last page says there is nothing older, and filters hold across pages
    const lastPage = await grove.admin.decisions.list({ ...range, rule: 'code-review', limit: 1, cursor: '2026-03-01T12:00:04.000Z_chatcmpl-list0004' });
    expect(lastPage).toMatchObject({ items: [{ id: 'chatcmpl-list0002' }], nextCursor: null });
  });

  it('refuses a malformed cursor, search or outcome with the field named', async () => {
    await expect(grove.admin.decisions.list({ cursor: 'yesterday' })).rejects.toThrow(/cursor.*nextCursor of an earlier page|nextCursor of an earlier page/s);
    await expect(grove.admin.decisions.list({ q: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(grove.admin.decisions.list({ outcome: 'fine' as 'ok' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('is admin-only', async () => {
    const { key } = await grove.admin.keys.create({ name: 'invoke-only', scopes: ['invoke'] });
    await expect(grove.callerFor(key).decisions.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('reads a filtered page through an index, not the whole log', async () => {
    // enough rows, and fresh statistics, that the planner's choice is the one production gets
    const many: RequestCompleted[] = [];
    for (let index = 0; index < 20_000; index++) {
      const servedModel = `bulk-${index % 20}`;
      // one in 25 fails over from another model, as a model that keeps failing does
      const attempts = [
        ...(index % 25 === 0 ? [{ modelId: `bulk-${(index + 7) % 20}`, provider: 'simulated', startedAt: BASE, latencyMs: 5, outcome: 'error' as const, errorKind: 'server' as const }] : []),
        { modelId: servedModel, provider: 'simulated', startedAt: BASE, latencyMs: 10, outcome: 'ok' as const },
      ];
      many.push(event(100 + index, { id: `chatcmpl-bulk${index}`, servedModel, attempts, outcome: index % 50 === 0 ? 'error' : 'ok', rule: index % 3 === 0 ? 'bulk-rule' : null }));
    }
    await write(grove, many);
    const { db } = grove.services.database;
    await db.execute(sql`analyze request_log`);
    const plan = async (query: Parameters<typeof decisionPageQuery>[1]) => {
      const rows = (await db.execute(sql`explain ${decisionPageQuery(db, query)}`)) as unknown as Array<Record<string, string>> | { rows: Array<Record<string, string>> };
      return (Array.isArray(rows) ? rows : rows.rows).map((row) => Object.values(row)[0]).join('\n');
    };
    const hour = { since: new Date(BASE).toISOString(), until: new Date(BASE + 3_600_000).toISOString(), limit: 100 };
    for (const query of [
      { ...hour, model: 'bulk-3' },
      { ...hour, outcome: 'error' },
      { ...hour, rule: 'bulk-rule', model: 'bulk-3' },
      { ...hour, search: 'chatcmpl-bulk12' },
      { limit: 100, cursor: { at: new Date(BASE + 5_000_000).toISOString(), id: 'chatcmpl-bulk5000' } },
    ]) {
      const text = await plan(query);
      expect(text, JSON.stringify(query)).toMatch(/Index Scan|Index Only Scan|Bitmap Index Scan/);
      expect(text, JSON.stringify(query)).not.toMatch(/Seq Scan/);
    }
    // by model: the rows it was attempted in (and did not serve) come from their own index, not a walk of the log
    expect(await plan({ ...hour, model: 'bulk-7' })).toMatch(/Bitmap Index Scan on request_log_attempted_models/);
  });
});
