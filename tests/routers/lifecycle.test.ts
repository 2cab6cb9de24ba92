import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLES, type Lifecycle } from '../../shared/objects';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { expectTrpcError, modelObject } from './fixtures';

const allowed = new Set(['draft->active', 'active->deprecated', 'active->draft', 'deprecated->active', 'deprecated->retired', 'retired->deprecated']);
const pairs = LIFECYCLES.flatMap((from) => LIFECYCLES.map((to) => [from, to] as [Lifecycle, Lifecycle]));

describe.each(testDrivers)('lifecycle transitions on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    const objects = [modelObject('successor', { lifecycle: 'active' }), ...pairs.map(([from, to]) => modelObject(`m-${from}-${to}`, { lifecycle: from, replacement: from === 'retired' ? 'successor' : null }))];
    await grove.admin.objects.applyAll({ objects });
  });
  afterAll(async () => grove.close());

  it.each(pairs.filter(([from, to]) => allowed.has(`${from}->${to}`)))('allows %s → %s, as a new revision', async (from, to) => {
    const id = `m-${from}-${to}`;
    const moved = await grove.admin.models.transition({ id, to, replacement: to === 'retired' ? 'successor' : undefined });
    expect(moved.spec.lifecycle).toBe(to);
    expect(moved.spec.replacement).toBe(to === 'retired' ? 'successor' : null);
    expect(moved.status.revision).toBe(2);
    expect((await grove.admin.models.history({ id })).items.at(-1)).toMatchObject({ revision: 2, action: `lifecycle:${to}` });
  });

  it.each(pairs.filter(([from, to]) => !allowed.has(`${from}->${to}`)))('refuses %s → %s with the reason', async (from, to) => {
    const id = `m-${from}-${to}`;
    const reason = from === to ? new RegExp(`already ${to}`) : new RegExp(`cannot move model "${id}" from ${from} to ${to}: \\w+`);
    await expectTrpcError(grove.admin.models.transition({ id, to, replacement: 'successor' }), 'BAD_REQUEST', reason);
    const model = await grove.admin.models.get({ id });
    expect(model.spec.lifecycle).toBe(from);
    expect(model.status.revision).toBe(1);
  });

  describe('retiring', () => {
    beforeAll(async () => {
      await grove.admin.objects.applyAll({ objects: [modelObject('leaving', { lifecycle: 'deprecated' }), modelObject('gone', { lifecycle: 'retired', replacement: 'successor' })] });
    });

    it('needs a replacement', async () => {
      await expectTrpcError(grove.admin.models.transition({ id: 'leaving', to: 'retired' }), 'BAD_REQUEST', /needs a replacement/);
      await expectTrpcError(grove.admin.models.transition({ id: 'leaving', to: 'retired', replacement: null }), 'BAD_REQUEST', /needs a replacement/);
    });

    it('refuses an unknown, retired or self replacement', async () => {
      const unknown = await expectTrpcError(grove.admin.models.transition({ id: 'leaving', to: 'retired', replacement: 'ghost' }), 'BAD_REQUEST');
      expect(unknown).toEqual([{ path: 'spec.replacement', message: 'unknown model "ghost"' }]);
      const retired = await expectTrpcError(grove.admin.models.transition({ id: 'leaving', to: 'retired', replacement: 'gone' }), 'BAD_REQUEST');
      expect(retired).toEqual([{ path: 'spec.replacement', message: '"gone" is retired itself' }]);
      expect((await grove.admin.models.get({ id: 'leaving' })).spec.lifecycle).toBe('deprecated');
    });

    it('records the replacement, and coming back clears it', async () => {
      const retired = await grove.admin.models.transition({ id: 'leaving', to: 'retired', replacement: 'successor' });
      expect(retired.spec).toMatchObject({ lifecycle: 'retired', replacement: 'successor' });
      const back = await grove.admin.models.transition({ id: 'leaving', to: 'deprecated', revision: retired.status.revision });
      expect(back.spec).toMatchObject({ lifecycle: 'deprecated', replacement: null });
    });

    it('keeps the replacement from being deleted while it is named', async () => {
      await expectTrpcError(grove.admin.models.transition({ id: 'successor', to: 'deprecated' }).then(() => grove.admin.models.transition({ id: 'successor', to: 'retired', replacement: 'm-active-draft' })).then(() => grove.admin.models.delete({ id: 'successor' })), 'BAD_REQUEST', /referred to by Model\/gone/);
    });
  });

  it('refuses a stale revision with CONFLICT', async () => {
    await grove.admin.models.create({ object: modelObject('racing') });
    await grove.admin.models.transition({ id: 'racing', to: 'active', revision: 1 });
    await expectTrpcError(grove.admin.models.transition({ id: 'racing', to: 'draft', revision: 1 }), 'CONFLICT');
    expect((await grove.admin.models.get({ id: 'racing' })).spec.lifecycle).toBe('active');
  });

  it('answers NOT_FOUND for an unknown model', async () => {
    await expectTrpcError(grove.admin.models.transition({ id: 'ghost', to: 'active' }), 'NOT_FOUND');
  });
});
