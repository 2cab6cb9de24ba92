import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { capabilityObject, expectTrpcError, modelObject, paths } from './fixtures';

describe.each(testDrivers)('models router on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    await grove.admin.objects.applyAll({
      objects: [
        capabilityObject('coding'),
        modelObject('alpha', { provider: 'anthropic', model: 'claude-x', lifecycle: 'active', capabilities: { reasoning: 90, creativity: 40, precision: 70, speed: 20, context: 60, coding: 95 }, pricing: { inputPer1M: 3, outputPer1M: 15 }, aliases: ['first'] }, { labels: { tier: 'premium' } }),
        modelObject('beta', { provider: 'gemini', model: 'gemini-y', lifecycle: 'active', capabilities: { reasoning: 60, creativity: 80, precision: 50, speed: 90, context: 95 }, pricing: { inputPer1M: 0.5, outputPer1M: 1 } }, { labels: { tier: 'standard' }, title: 'Speedy Beta' }),
        modelObject('gamma', { provider: 'simulated', lifecycle: 'draft', capabilities: { reasoning: 30, creativity: 30, precision: 30, speed: 30, context: 30 }, pricing: { inputPer1M: 10, outputPer1M: 10 } }, { labels: { tier: 'premium' } }),
      ],
    });
  });
  afterAll(async () => grove.close());

  const ids = (result: { items: Array<{ metadata: { id: string } }> }) => result.items.map((item) => item.metadata.id);

  describe('list', () => {
    it('lists every model sorted by id by default', async () => {
      expect(ids(await grove.admin.models.list())).toEqual(['alpha', 'beta', 'gamma']);
    });

    it('filters by provider, lifecycle and label', async () => {
      expect(ids(await grove.admin.models.list({ provider: 'gemini' }))).toEqual(['beta']);
      expect(ids(await grove.admin.models.list({ lifecycle: 'draft' }))).toEqual(['gamma']);
      expect(ids(await grove.admin.models.list({ label: 'tier=premium' }))).toEqual(['alpha', 'gamma']);
      expect(ids(await grove.admin.models.list({ label: 'tier=' }))).toEqual([]);
      expect(ids(await grove.admin.models.list({ provider: 'simulated', label: 'tier=premium' }))).toEqual(['gamma']);
    });

    it('filters by a minimum score on a core or declared capability', async () => {
      expect(ids(await grove.admin.models.list({ capability: 'speed', minScore: 90 }))).toEqual(['beta']);
      expect(ids(await grove.admin.models.list({ capability: 'reasoning', minScore: 60 }))).toEqual(['alpha', 'beta']);
      expect(ids(await grove.admin.models.list({ capability: 'coding', minScore: 1 }))).toEqual(['alpha']);
    });

    it('searches id, title, upstream name and aliases, ignoring case', async () => {
      expect(ids(await grove.admin.models.list({ search: 'SPEEDY' }))).toEqual(['beta']);
      expect(ids(await grove.admin.models.list({ search: 'claude-x' }))).toEqual(['alpha']);
      expect(ids(await grove.admin.models.list({ search: 'first' }))).toEqual(['alpha']);
      expect(ids(await grove.admin.models.list({ search: 'nothing-like-it' }))).toEqual([]);
    });

    it('sorts by id, provider, lifecycle, price and capability, both ways', async () => {
      expect(ids(await grove.admin.models.list({ sort: 'id', order: 'desc' }))).toEqual(['gamma', 'beta', 'alpha']);
      expect(ids(await grove.admin.models.list({ sort: 'provider' }))).toEqual(['alpha', 'beta', 'gamma']);
      expect(ids(await grove.admin.models.list({ sort: 'provider', order: 'desc' }))).toEqual(['gamma', 'beta', 'alpha']);
      expect(ids(await grove.admin.models.list({ sort: 'price' }))).toEqual(['beta', 'alpha', 'gamma']);
      expect(ids(await grove.admin.models.list({ sort: 'price', order: 'desc' }))).toEqual(['gamma', 'alpha', 'beta']);
      // a capability sorts the best first
      expect(ids(await grove.admin.models.list({ sort: 'speed' }))).toEqual(['beta', 'gamma', 'alpha']);
      expect(ids(await grove.admin.models.list({ sort: 'reasoning' }))).toEqual(['alpha', 'beta', 'gamma']);
      // active before draft; equal keys fall back to the id
      expect(ids(await grove.admin.models.list({ sort: 'lifecycle' }))).toEqual(['alpha', 'beta', 'gamma']);
      expect(ids(await grove.admin.models.list({ sort: 'lifecycle', order: 'desc' }))).toEqual(['gamma', 'alpha', 'beta']);
    });

    it('refuses a malformed filter', async () => {
      await expectTrpcError(grove.admin.models.list({ label: 'no-equals-sign' }), 'BAD_REQUEST');
      await expectTrpcError(grove.admin.models.list({ minScore: 101 }), 'BAD_REQUEST');
    });
  });

  describe('get and create', () => {
    it('gets a model with its status', async () => {
      const model = await grove.admin.models.get({ id: 'alpha' });
      expect(model).toMatchObject({ apiVersion: 'grove/v1', kind: 'Model', metadata: { id: 'alpha', labels: { tier: 'premium' } }, spec: { provider: 'anthropic', model: 'claude-x', timeoutMs: 60_000 } });
      expect(model.status.revision).toBe(1);
      expect(Date.parse(model.status.createdAt as string)).not.toBeNaN();
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      await expectTrpcError(grove.admin.models.get({ id: 'nope' }), 'NOT_FOUND', /nope/);
    });

    it('creates a model, filling defaults, with the envelope fields optional', async () => {
      const { apiVersion: _a, kind: _k, ...bare } = modelObject('delta', { baseUrl: 'http://127.0.0.1:9/v1/', provider: 'openai-compatible' });
      const created = await grove.admin.models.create({ object: bare });
      expect(created.spec).toMatchObject({ lifecycle: 'draft', fallbacks: [], aliases: [], timeoutMs: 60_000, replacement: null, baseUrl: 'http://127.0.0.1:9/v1' });
      expect(created.status.revision).toBe(1);
      expect((await grove.admin.models.get({ id: 'delta' })).spec.model).toBe('delta-upstream');
      expect(grove.services.registry.snapshot.modelIdByName.get('delta')).toBe('delta');
    });

    it('lists every problem of an invalid model with its path, and writes nothing', async () => {
      const bad = modelObject('bad-one', {
        provider: 'nope',
        capabilities: { reasoning: 101, creativity: 50, precision: 50, speed: 50 },
        contextWindow: 1000,
        maxOutputTokens: 2000,
        pricing: { inputPer1M: -1, outputPer1M: 1 },
        lifecycle: 'retired',
        baseUrl: 'ftp://example.com',
        fallbacks: ['bad-one'],
        unknownField: true,
      });
      const problems = await expectTrpcError(grove.admin.models.create({ object: bad }), 'BAD_REQUEST');
      expect(paths(problems)).toEqual(
        expect.arrayContaining(['spec.provider', 'spec.capabilities.reasoning', 'spec.capabilities.context', 'spec.pricing.inputPer1M', 'spec.baseUrl', 'spec.replacement', 'spec.maxOutputTokens', 'spec.fallbacks', 'spec']),
      );
      for (const problem of problems) expect(problem.message.length).toBeGreaterThan(0);
      await expectTrpcError(grove.admin.models.get({ id: 'bad-one' }), 'NOT_FOUND');
    });

    it('refuses references to unknown models and capabilities', async () => {
      const problems = await expectTrpcError(
        grove.admin.models.create({ object: modelObject('dangling', { fallbacks: ['ghost'], capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1, juggling: 3 } }) }),
        'BAD_REQUEST',
      );
      expect(paths(problems)).toEqual(['spec.capabilities.juggling', 'spec.fallbacks[0]']);
    });

    it('refuses an alias that another model already uses, or "auto"', async () => {
      const problems = await expectTrpcError(grove.admin.models.create({ object: modelObject('aliased', { aliases: ['first', 'auto', 'beta'] }) }), 'BAD_REQUEST');
      expect(paths(problems)).toEqual(['spec.aliases[0]', 'spec.aliases[1]', 'spec.aliases[2]']);
      await expectTrpcError(grove.admin.models.create({ object: modelObject('first') }), 'BAD_REQUEST', /alias of model "alpha"/);
    });

    it('refuses a duplicate id with CONFLICT', async () => {
      await expectTrpcError(grove.admin.models.create({ object: modelObject('alpha') }), 'CONFLICT', /already exists/);
    });

    it('refuses an object of another kind', async () => {
      await expectTrpcError(grove.admin.models.create({ object: capabilityObject('sneaky') }), 'BAD_REQUEST');
      expect(grove.services.registry.snapshot.capabilities.map((capability) => capability.metadata.id)).not.toContain('sneaky');
      await expectTrpcError(grove.admin.models.create({ object: 'not an object' }), 'BAD_REQUEST');
    });
  });

  describe('update', () => {
    it('writes a new revision when based on the current one', async () => {
      await grove.admin.models.create({ object: modelObject('upd') });
      const updated = await grove.admin.models.update({ id: 'upd', revision: 1, object: modelObject('upd', { pricing: { inputPer1M: 7, outputPer1M: 8 } }) });
      expect(updated.status.revision).toBe(2);
      expect(updated.spec.pricing).toEqual({ inputPer1M: 7, outputPer1M: 8 });
    });

    it('refuses a stale revision with CONFLICT and keeps the newer write', async () => {
      await expectTrpcError(grove.admin.models.update({ id: 'upd', revision: 1, object: modelObject('upd', { pricing: { inputPer1M: 99, outputPer1M: 99 } }) }), 'CONFLICT', /revision 1/);
      const current = await grove.admin.models.get({ id: 'upd' });
      expect(current.spec.pricing).toEqual({ inputPer1M: 7, outputPer1M: 8 });
      expect(current.status.revision).toBe(2);
    });

    it('lets only one of two concurrent writers on the same revision win', async () => {
      const outcomes = await Promise.allSettled([
        grove.admin.models.update({ id: 'upd', revision: 2, object: modelObject('upd', { model: 'writer-a' }) }),
        grove.admin.models.update({ id: 'upd', revision: 2, object: modelObject('upd', { model: 'writer-b' }) }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const current = await grove.admin.models.get({ id: 'upd' });
      expect(current.status.revision).toBe(3);
      expect((await grove.admin.models.history({ id: 'upd' })).items.map((entry) => entry.revision)).toEqual([1, 2, 3]);
    });

    it('refuses a changed id, an invalid spec and an unknown model', async () => {
      const revision = (await grove.admin.models.get({ id: 'upd' })).status.revision;
      const problems = await expectTrpcError(grove.admin.models.update({ id: 'upd', revision, object: modelObject('renamed') }), 'BAD_REQUEST');
      expect(paths(problems)).toEqual(['metadata.id']);
      const invalid = await expectTrpcError(grove.admin.models.update({ id: 'upd', revision, object: modelObject('upd', { contextWindow: -5 }) }), 'BAD_REQUEST');
      expect(paths(invalid)).toContain('spec.contextWindow');
      await expectTrpcError(grove.admin.models.update({ id: 'ghost', revision: 1, object: modelObject('ghost') }), 'NOT_FOUND');
    });

    it('fills in the id from the route when the body has no metadata', async () => {
      const current = await grove.admin.models.get({ id: 'upd' });
      const { metadata: _metadata, ...withoutMetadata } = modelObject('upd', { model: 'from-route' });
      const updated = await grove.admin.models.update({ id: 'upd', revision: current.status.revision, object: withoutMetadata });
      expect(updated.metadata.id).toBe('upd');
      expect(updated.spec.model).toBe('from-route');
    });
  });

  describe('history and rollback', () => {
    it('keeps every revision with its number, time, acting key and full spec', async () => {
      await grove.admin.models.create({ object: modelObject('hist', { model: 'v1' }) });
      await grove.admin.models.update({ id: 'hist', revision: 1, object: modelObject('hist', { model: 'v2' }) });
      await grove.admin.models.transition({ id: 'hist', to: 'active' });
      const { items } = await grove.admin.models.history({ id: 'hist' });
      const adminKeyId = (await grove.admin.auth.whoami()).keyId;
      expect(items.map((entry) => [entry.revision, entry.action, entry.actor])).toEqual([
        [1, 'create', adminKeyId],
        [2, 'update', adminKeyId],
        [3, 'lifecycle:active', adminKeyId],
      ]);
      expect(items.map((entry) => (entry.spec as { model: string }).model)).toEqual(['v1', 'v2', 'v2']);
      expect(items[0]!.spec).toMatchObject({ provider: 'simulated', contextWindow: 100_000, pricing: { inputPer1M: 1, outputPer1M: 2 }, lifecycle: 'draft' });
      for (const entry of items) expect(Date.parse(entry.createdAt)).not.toBeNaN();
      expect(items[0]!.metadata).toMatchObject({ id: 'hist' });
    });

    it('writes an audit entry for every change', async () => {
      const rows = await grove.services.database.db.select().from(auditLog);
      const forHist = rows.filter((row) => row.objectId === 'hist').map((row) => [row.action, row.revision]);
      expect(forHist).toEqual([
        ['create', 1],
        ['update', 2],
        ['lifecycle:active', 3],
      ]);
    });

    it('does not let a revision change once written', async () => {
      const before = (await grove.admin.models.history({ id: 'hist' })).items;
      await grove.admin.models.update({ id: 'hist', revision: 3, object: modelObject('hist', { model: 'v3', lifecycle: 'active' }) });
      const after = (await grove.admin.models.history({ id: 'hist' })).items;
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after).toHaveLength(before.length + 1);
    });

    it('rolls back to an earlier revision as a new revision', async () => {
      const rolled = await grove.admin.models.rollback({ id: 'hist', toRevision: 1, revision: 4 });
      expect(rolled.status.revision).toBe(5);
      expect(rolled.spec).toMatchObject({ model: 'v1', lifecycle: 'draft' });
      const last = (await grove.admin.models.history({ id: 'hist' })).items.at(-1)!;
      expect(last).toMatchObject({ revision: 5, action: 'rollback:1' });
    });

    it('refuses a rollback from a stale revision, to an unknown revision, or of an unknown model', async () => {
      await expectTrpcError(grove.admin.models.rollback({ id: 'hist', toRevision: 2, revision: 4 }), 'CONFLICT');
      await expectTrpcError(grove.admin.models.rollback({ id: 'hist', toRevision: 42, revision: 5 }), 'NOT_FOUND', /no revision 42/);
      await expectTrpcError(grove.admin.models.rollback({ id: 'ghost', toRevision: 1, revision: 1 }), 'NOT_FOUND');
      await expectTrpcError(grove.admin.models.history({ id: 'ghost' }), 'NOT_FOUND');
      expect((await grove.admin.models.get({ id: 'hist' })).status.revision).toBe(5);
    });
  });

  describe('delete', () => {
    it('deletes a draft model and keeps its history', async () => {
      await grove.admin.models.create({ object: modelObject('doomed') });
      expect(await grove.admin.models.delete({ id: 'doomed' })).toEqual({ deleted: true });
      await expectTrpcError(grove.admin.models.get({ id: 'doomed' }), 'NOT_FOUND');
      const { items } = await grove.admin.models.history({ id: 'doomed' });
      expect(items.map((entry) => [entry.revision, entry.action])).toEqual([
        [1, 'create'],
        [2, 'delete'],
      ]);
      // created again, it continues the numbering instead of colliding with the old revisions
      const again = await grove.admin.models.create({ object: modelObject('doomed') });
      expect(again.status.revision).toBe(3);
      await grove.admin.models.delete({ id: 'doomed', revision: 3 });
    });

    it('refuses to delete an active or deprecated model, saying why', async () => {
      await expectTrpcError(grove.admin.models.delete({ id: 'alpha' }), 'BAD_REQUEST', /active: only draft or retired/);
      await grove.admin.models.create({ object: modelObject('old', { lifecycle: 'deprecated' }) });
      await expectTrpcError(grove.admin.models.delete({ id: 'old' }), 'BAD_REQUEST', /deprecated/);
      expect((await grove.admin.models.get({ id: 'old' })).spec.lifecycle).toBe('deprecated');
    });

    it('deletes a retired model', async () => {
      await grove.admin.models.transition({ id: 'old', to: 'retired', replacement: 'alpha' });
      await grove.admin.models.delete({ id: 'old' });
      await expectTrpcError(grove.admin.models.get({ id: 'old' }), 'NOT_FOUND');
    });

    it('refuses to delete a model another model falls back to, or that replaces a retired one', async () => {
      await grove.admin.models.create({ object: modelObject('target') });
      await grove.admin.models.create({ object: modelObject('referrer', { fallbacks: ['target'] }) });
      const problems = await expectTrpcError(grove.admin.models.delete({ id: 'target' }), 'BAD_REQUEST', /referred to by Model\/referrer/);
      expect(problems).toHaveLength(1);
      expect((await grove.admin.models.get({ id: 'target' })).status.revision).toBe(1);
    });

    it('refuses a stale revision and an unknown id', async () => {
      await expectTrpcError(grove.admin.models.delete({ id: 'referrer', revision: 7 }), 'CONFLICT');
      await grove.admin.models.get({ id: 'referrer' });
      await expectTrpcError(grove.admin.models.delete({ id: 'ghost' }), 'NOT_FOUND');
    });
  });
});
