import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { objects as objectsTable, revisions } from '../../db/schema';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { capabilityObject, expectTrpcError, modelObject, paths } from './fixtures';

describe.each(testDrivers)('objects router on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
  });
  afterAll(async () => grove.close());

  const counts = async () => ({
    objects: (await grove.services.database.db.select().from(objectsTable)).length,
    revisions: (await grove.services.database.db.select().from(revisions)).length,
  });

  it('creates a Capability and the Model that uses it in one apply', async () => {
    const { results } = await grove.admin.objects.applyAll({
      objects: [
        modelObject('coder', { capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1, coding: 90 }, fallbacks: ['helper'], apiKey: { value: 'sk-coder-secret-9876' } }),
        modelObject('helper'),
        capabilityObject('coding', { defaultScore: 40 }),
      ],
    });
    expect(results).toEqual([
      { kind: 'Model', id: 'coder', action: 'created', revision: 1 },
      { kind: 'Model', id: 'helper', action: 'created', revision: 1 },
      { kind: 'Capability', id: 'coding', action: 'created', revision: 1 },
    ]);
    expect((await grove.admin.capabilities.list()).items).toMatchObject([{ kind: 'Capability', metadata: { id: 'coding' }, spec: { defaultScore: 40 } }]);
    expect(grove.services.registry.snapshot.models.map((model) => model.metadata.id)).toEqual(['coder', 'helper']);
  });

  it('is idempotent: the same objects again are unchanged and write nothing', async () => {
    const before = await counts();
    const { results } = await grove.admin.objects.applyAll({
      objects: [
        capabilityObject('coding', { defaultScore: 40 }),
        modelObject('coder', { capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1, coding: 90 }, fallbacks: ['helper'], apiKey: { value: 'sk-coder-secret-9876' } }),
        modelObject('helper'),
      ],
    });
    expect(results.map((result) => result.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await counts()).toEqual(before);
  });

  it('reports created, updated and unchanged side by side', async () => {
    const { results } = await grove.admin.objects.applyAll({ objects: [modelObject('helper', { model: 'changed' }), modelObject('newcomer'), capabilityObject('coding', { defaultScore: 40 })] });
    expect(results).toEqual([
      { kind: 'Model', id: 'helper', action: 'updated', revision: 2 },
      { kind: 'Model', id: 'newcomer', action: 'created', revision: 1 },
      { kind: 'Capability', id: 'coding', action: 'unchanged', revision: 1 },
    ]);
    expect((await grove.admin.models.get({ id: 'helper' })).spec.model).toBe('changed');
  });

  it('export → apply reports everything unchanged, stored secrets included', async () => {
    const exported = await grove.admin.objects.export();
    expect(exported.objects.map((object) => `${object.kind}/${object.metadata.id}`)).toEqual(['Capability/coding', 'Model/coder', 'Model/helper', 'Model/newcomer']);
    expect(exported.objects[1]).toMatchObject({ kind: 'Model', spec: { apiKey: { set: true, last4: '9876' } } });
    const before = await counts();
    const { results } = await grove.admin.objects.applyAll({ objects: JSON.parse(JSON.stringify(exported.objects)) as unknown[] });
    expect(results.map((result) => result.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(await counts()).toEqual(before);
    expect(grove.services.registry.snapshot.apiKeys.get('coder')).toBe('sk-coder-secret-9876');
    expect((await grove.admin.objects.export({ kinds: ['Capability'] })).objects).toHaveLength(1);
  });

  it('writes nothing when one object is invalid, listing every problem with its path', async () => {
    const before = await counts();
    const problems = await expectTrpcError(
      grove.admin.objects.applyAll({
        objects: [
          modelObject('would-be-new'),
          modelObject('helper', { model: 'not written' }),
          modelObject('broken', { contextWindow: 0, pricing: { inputPer1M: 1 } }),
          { apiVersion: 'grove/v2', kind: 'Model', metadata: { id: 'wrong-version' }, spec: {} },
          { apiVersion: 'grove/v1', kind: 'Gadget', metadata: { id: 'x' }, spec: {} },
          'a string',
        ],
      }),
      'BAD_REQUEST',
      /nothing was applied/,
    );
    expect(paths(problems)).toEqual(expect.arrayContaining(['[2].spec.contextWindow', '[2].spec.pricing.outputPer1M', '[3].apiVersion', '[3].spec.provider', '[4].kind', '[5]']));
    expect(await counts()).toEqual(before);
    expect((await grove.admin.models.get({ id: 'helper' })).spec.model).toBe('changed');
    await expectTrpcError(grove.admin.models.get({ id: 'would-be-new' }), 'NOT_FOUND');
  });

  it('writes nothing when a cross-object check fails, naming the object', async () => {
    const before = await counts();
    const problems = await expectTrpcError(
      grove.admin.objects.applyAll({ objects: [modelObject('fine'), modelObject('uses-ghost', { fallbacks: ['ghost'] }), modelObject('skilled', { capabilities: { reasoning: 1, creativity: 1, precision: 1, speed: 1, context: 1, juggling: 5 } })] }),
      'BAD_REQUEST',
    );
    expect(problems.map((problem) => problem.path)).toEqual([expect.stringMatching(/uses-ghost.*spec\.fallbacks\[0\]/), expect.stringMatching(/skilled.*spec\.capabilities\.juggling/)]);
    expect(problems[1]!.message).toMatch(/declare it with kind: Capability/);
    expect(await counts()).toEqual(before);
  });

  it('refuses the same object twice in one apply', async () => {
    const problems = await expectTrpcError(grove.admin.objects.applyAll({ objects: [modelObject('twin'), modelObject('twin')] }), 'BAD_REQUEST');
    expect(problems).toEqual([{ path: '[1].metadata.id', message: 'Model/twin appears twice' }]);
  });

  it('dry run reports what would happen and writes nothing', async () => {
    const before = await counts();
    const { results } = await grove.admin.objects.applyAll({ objects: [modelObject('dry'), modelObject('helper', { model: 'dry-change' }), modelObject('newcomer')], dryRun: true });
    expect(results.map((result) => [result.id, result.action])).toEqual([
      ['dry', 'created'],
      ['helper', 'updated'],
      ['newcomer', 'unchanged'],
    ]);
    expect(await counts()).toEqual(before);
    await expectTrpcError(grove.admin.models.get({ id: 'dry' }), 'NOT_FOUND');
  });

  it('dry run reports cross-object problems as the real apply would', async () => {
    await expectTrpcError(grove.admin.objects.applyAll({ objects: [modelObject('dry-ghost', { fallbacks: ['ghost'] })], dryRun: true }), 'BAD_REQUEST', /unknown model "ghost"/);
  });

  it('refuses a core capability declared again, a malformed capability name and an empty apply', async () => {
    await expectTrpcError(grove.admin.objects.applyAll({ objects: [capabilityObject('speed')] }), 'BAD_REQUEST', /core capability/);
    await expectTrpcError(grove.admin.objects.applyAll({ objects: [capabilityObject('Bad Name')] }), 'BAD_REQUEST');
    await expectTrpcError(grove.admin.objects.applyAll({ objects: [] }), 'BAD_REQUEST');
  });

  it('keeps a capability that a model still scores, and deletes one no model uses', async () => {
    await expect(grove.services.registry.remove('test', 'Capability', 'coding')).rejects.toThrow(/still referred to by Model\/coder/);
    expect((await grove.admin.capabilities.list()).items.map((item) => item.metadata.id)).toEqual(['coding']);
    await grove.admin.objects.applyAll({ objects: [capabilityObject('unused')] });
    await grove.services.registry.remove('test', 'Capability', 'unused');
    expect((await grove.admin.capabilities.list()).items.map((item) => item.metadata.id)).toEqual(['coding']);
  });

  it('lets only one of two concurrent creates of the same id win; the other gets CONFLICT', async () => {
    const outcomes = await Promise.allSettled([grove.admin.models.create({ object: modelObject('contested', { model: 'a' }) }), grove.admin.models.create({ object: modelObject('contested', { model: 'b' }) })]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected')!;
    await expectTrpcError(Promise.reject(rejected.reason), 'CONFLICT');
    expect((await grove.admin.models.history({ id: 'contested' })).items).toHaveLength(1);
  });

  it('rolls back the whole apply when a write conflicts halfway, then knows the newer revision', async () => {
    // another instance updates "helper" behind this one's back (its notice not yet arrived)
    await grove.services.database.db.execute(sql`update objects set revision = 99 where kind = 'Model' and id = 'helper'`);
    const before = await counts();
    await expectTrpcError(grove.admin.objects.applyAll({ objects: [modelObject('halfway'), modelObject('helper', { model: 'lost update' })] }), 'CONFLICT', /Model "helper" has changed since revision 2/);
    expect(await counts()).toEqual(before);
    const helper = await grove.admin.models.get({ id: 'helper' });
    expect(helper.status.revision).toBe(99);
    expect(helper.spec.model).toBe('changed');
    await expectTrpcError(grove.admin.models.get({ id: 'halfway' }), 'NOT_FOUND');
    // after reading it again, a retry succeeds
    expect((await grove.admin.models.update({ id: 'helper', revision: 99, object: modelObject('helper', { model: 'changed' }) })).status.revision).toBe(100);
  });

  it('gets any object and its history by kind, NOT_FOUND for unknown', async () => {
    expect(await grove.admin.objects.get({ kind: 'Capability', id: 'coding' })).toMatchObject({ spec: { defaultScore: 40 } });
    expect((await grove.admin.objects.history({ kind: 'Capability', id: 'coding' })).items).toHaveLength(1);
    await expectTrpcError(grove.admin.objects.get({ kind: 'Capability', id: 'ghost' }), 'NOT_FOUND');
    await expectTrpcError(grove.admin.objects.get({ kind: 'Model', id: 'coding' }), 'NOT_FOUND');
  });

  it('lists the audit log, newest first', async () => {
    const { items } = await grove.admin.objects.audit({ limit: 2 });
    expect(items).toHaveLength(2);
    expect(items[0]!.seq).toBeGreaterThan(items[1]!.seq);
    expect((await grove.admin.objects.audit()).items.some((item) => item.objectId === 'coding' && item.action === 'create')).toBe(true);
  });

  it('reports the system info', async () => {
    const info = await grove.admin.system.info();
    expect(info).toMatchObject({ driver, models: grove.services.registry.snapshot.models.length, registryVersion: grove.services.registry.snapshot.version });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('applies examples/models.yaml, then reports it and its own export unchanged', async () => {
    const fresh = await startTestServices({ driver });
    try {
      const file = parseAllDocuments(readFileSync(new URL('../../examples/models.yaml', import.meta.url), 'utf8')).map((document) => document.toJS() as unknown);
      const first = await fresh.admin.objects.applyAll({ objects: file });
      expect(new Set(first.results.map((result) => result.action))).toEqual(new Set(['created']));
      const again = await fresh.admin.objects.applyAll({ objects: file });
      expect(new Set(again.results.map((result) => result.action))).toEqual(new Set(['unchanged']));
      const exported = (await fresh.admin.objects.export()).objects;
      expect(exported).toHaveLength(file.length);
      const roundTrip = await fresh.admin.objects.applyAll({ objects: JSON.parse(JSON.stringify(exported)) as unknown[] });
      expect(new Set(roundTrip.results.map((result) => result.action))).toEqual(new Set(['unchanged']));
    } finally {
      await fresh.close();
    }
  });
});
