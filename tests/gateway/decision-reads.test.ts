import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLog } from '../../db/schema';
import { expectTrpcError } from '../routers/fixtures';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, startGateway, type GatewayHarness } from '../support/gateway';

/**
 * Reading decisions never hurries the request-log writer (a console polling every second would
 * turn its batches into one statement per request): reads show what is written; a decision still
 * in the writer is waited for until the writer's own next batch, at most a second, and is then
 * answered or refused with 404 "not written yet". The writer's batch count shows no reader wrote one.
 */
describe.each(testDrivers)('reading decisions on %s', (driver) => {
  describe('while the writer holds the decision (its next batch is a minute away)', () => {
    let gateway: GatewayHarness;
    beforeAll(async () => {
      gateway = await startGateway({ driver, env: { GROVE_REQUEST_LOG_INTERVAL_MS: '60000' }, objects: [gatewayModel('dr-slow', 'simulated', undefined)] });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    const served = async () => (await gateway.grove.callerFor(gateway.invokeKey).gateway.complete({ model: 'dr-slow', messages: hello })).grove.decisionId;

    it('lists only what is written, without writing a batch', async () => {
      const id = await served();
      const before = gateway.services.requestLog.stats();
      expect(before.buffered).toBeGreaterThan(0);
      const { items } = await gateway.grove.admin.decisions.list({ limit: 1000 });
      expect(items.map((item) => item.id)).not.toContain(id);
      expect(gateway.services.requestLog.stats()).toMatchObject({ batches: before.batches, buffered: before.buffered });
    });

    it('waits a bounded time for a fresh decision, then answers 404 "not written yet" on tRPC and REST, without writing a batch', async () => {
      const id = await served();
      const { batches } = gateway.services.requestLog.stats();

      let startedAt = Date.now();
      await expectTrpcError(gateway.grove.admin.decisions.get({ id }), 'NOT_FOUND', /not written yet/);
      const waited = Date.now() - startedAt;
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(2_500);

      startedAt = Date.now();
      const rest = await fetch(`${gateway.url}/api/v1/decisions/${id}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
      expect(rest.status).toBe(404);
      expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await rest.json()).toMatchObject({ status: 404, title: 'NOT_FOUND', detail: expect.stringMatching(/not written yet/) });
      expect(Date.now() - startedAt).toBeLessThan(2_500);

      expect(gateway.services.requestLog.stats().batches).toBe(batches);
      expect(gateway.services.requestLog.holds(id)).toBe(true);
    });

    it('answers an id the writer never held at once', async () => {
      const startedAt = Date.now();
      await expectTrpcError(gateway.grove.admin.decisions.get({ id: 'chatcmpl-never-made' }), 'NOT_FOUND', /no decision "chatcmpl-never-made"/);
      expect(Date.now() - startedAt).toBeLessThan(500);
    });
  });

  describe('with the writer at its default pace', () => {
    let gateway: GatewayHarness;
    beforeAll(async () => {
      gateway = await startGateway({ driver, objects: [gatewayModel('dr-paced', 'simulated', undefined)] });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('answers a fresh decision once the writer wrote its own batch: one batch, written by the writer', async () => {
      const { grove } = await gateway.grove.callerFor(gateway.invokeKey).gateway.complete({ model: 'dr-paced', messages: hello });
      const { batches } = gateway.services.requestLog.stats();
      expect(gateway.services.requestLog.holds(grove.decisionId)).toBe(true);
      const startedAt = Date.now();
      const logged = await gateway.grove.admin.decisions.get({ id: grove.decisionId });
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      expect(logged).toMatchObject({ id: grove.decisionId, servedModel: 'dr-paced', outcome: 'ok', decision: { id: grove.decisionId, chain: ['dr-paced'] } });
      expect(gateway.services.requestLog.stats().batches).toBe(batches + 1);
    });

    it('refuses to answer a row its schema does not describe: a 500 that names no detail, on tRPC and REST', async () => {
      // a row as no version of the writer wrote it: a decision without its route and chain
      const at = new Date().toISOString();
      const row = { at, requestedModel: 'auto', outcome: 'ok', status: 200, latencyMs: 1, attempts: '[]', decision: '{"id":"dr-malformed"}' };
      await gateway.services.database.db.insert(requestLog).values({ id: 'dr-malformed', ...row });
      const call = await fetch(`${gateway.url}/trpc/decisions.get?input=${encodeURIComponent(JSON.stringify({ id: 'dr-malformed' }))}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
      expect(call.status).toBe(500);
      const { error } = (await call.json()) as { error: { message: string; data: { code: string; problems?: unknown } } };
      expect(error.message).toBe('internal server error');
      expect(error.data.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.data.problems).toBeUndefined();
      const rest = await fetch(`${gateway.url}/api/v1/decisions/dr-malformed`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
      expect(rest.status).toBe(500);
      const problem = (await rest.json()) as { detail: string; problems?: unknown };
      expect(problem.problems).toBeUndefined();
      expect(problem.detail).not.toMatch(/route|chain/);
    });
  });
});
