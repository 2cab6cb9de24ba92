import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../../db/schema';
import { bearerToken, hashKey } from '../../server/auth/keys';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { expectTrpcError, modelObject } from './fixtures';

describe.each(testDrivers)('auth and keys on %s', (driver) => {
  let grove: TestServices;
  let invokeKey: string;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    invokeKey = (await grove.admin.keys.create({ name: 'service', scopes: ['invoke'] })).key;
  });
  afterAll(async () => grove.close());

  it('answers UNAUTHORIZED without a key or with a wrong one', async () => {
    for (const key of [undefined, 'grove_not_a_real_key']) {
      const caller = grove.callerFor(key);
      await expectTrpcError(caller.models.list(), 'UNAUTHORIZED', /Bearer/);
      await expectTrpcError(caller.auth.whoami(), 'UNAUTHORIZED');
      await expectTrpcError(caller.objects.applyAll({ objects: [modelObject('sneaky')] }), 'UNAUTHORIZED');
    }
    expect(grove.services.registry.snapshot.models).toHaveLength(0);
  });

  it('answers FORBIDDEN to an invoke key on every admin procedure', async () => {
    const caller = grove.callerFor(invokeKey);
    expect(await caller.auth.whoami()).toMatchObject({ name: 'service', scopes: ['invoke'] });
    const attempts: Array<Promise<unknown>> = [
      caller.models.list(),
      caller.models.get({ id: 'x' }),
      caller.models.create({ object: modelObject('sneaky') }),
      caller.models.update({ id: 'x', revision: 1, object: modelObject('x') }),
      caller.models.delete({ id: 'x' }),
      caller.models.history({ id: 'x' }),
      caller.models.rollback({ id: 'x', toRevision: 1, revision: 1 }),
      caller.models.transition({ id: 'x', to: 'active' }),
      caller.objects.applyAll({ objects: [modelObject('sneaky')] }),
      caller.objects.export(),
      caller.objects.audit(),
      caller.capabilities.list(),
      caller.keys.list(),
      caller.keys.create({ name: 'escalate', scopes: ['admin'] }),
      caller.system.info(),
    ];
    for (const attempt of attempts) await expectTrpcError(attempt, 'FORBIDDEN', /admin/);
    expect(grove.services.registry.snapshot.models).toHaveLength(0);
    expect((await grove.admin.keys.list()).items.map((key) => key.name)).not.toContain('escalate');
  });

  it('returns a new key once and stores only its hash', async () => {
    const created = await grove.admin.keys.create({ name: 'ci', scopes: ['admin', 'admin', 'invoke'], rateLimitPerMinute: 60 });
    expect(created.key).toMatch(/^grove_[A-Za-z0-9_-]{32}$/);
    expect(created.view).toMatchObject({ name: 'ci', scopes: ['admin', 'invoke'], rateLimitPerMinute: 60, revokedAt: null, prefix: created.key.slice(0, 10) });
    const [row] = await grove.services.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.view.id));
    expect(row!.hash).toBe(hashKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    const listed = await grove.admin.keys.list();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(row!.hash);
    expect(listed.items.find((key) => key.id === created.view.id)).toEqual({ ...created.view, lastUsedAt: null });
    expect(await grove.callerFor(created.key).auth.whoami()).toEqual({ keyId: created.view.id, name: 'ci', scopes: ['admin', 'invoke'] });
  });

  it('stops accepting a revoked key at once', async () => {
    const created = await grove.admin.keys.create({ name: 'short-lived', scopes: ['admin'] });
    const caller = grove.callerFor(created.key);
    await caller.models.list();
    expect(await grove.admin.keys.revoke({ id: created.view.id })).toEqual({ revoked: true });
    await expectTrpcError(grove.callerFor(created.key).models.list(), 'UNAUTHORIZED');
    expect((await grove.admin.keys.list()).items.find((key) => key.id === created.view.id)!.revokedAt).not.toBeNull();
    await expectTrpcError(grove.admin.keys.revoke({ id: created.view.id }), 'NOT_FOUND');
  });

  it('refuses a key revoking itself, an unknown key, and a key with no scope', async () => {
    const me = await grove.admin.auth.whoami();
    await expectTrpcError(grove.admin.keys.revoke({ id: me.keyId }), 'BAD_REQUEST', /cannot revoke itself/);
    await grove.admin.models.list();
    await expectTrpcError(grove.admin.keys.revoke({ id: 'key_ghost' }), 'NOT_FOUND');
    await expectTrpcError(grove.admin.keys.create({ name: 'empty', scopes: [] }), 'BAD_REQUEST');
  });

  it('tells its listeners when this instance creates or revokes a key, not when it reloads', async () => {
    let calls = 0;
    const stop = grove.services.keys.onChange(() => calls++);
    const active = grove.services.keys.size;
    const created = await grove.admin.keys.create({ name: 'observed', scopes: ['invoke'] });
    expect([calls, grove.services.keys.size]).toEqual([1, active + 1]);
    await grove.admin.keys.revoke({ id: created.view.id });
    expect([calls, grove.services.keys.size]).toEqual([2, active]);
    await grove.services.keys.load();
    await expectTrpcError(grove.admin.keys.revoke({ id: created.view.id }), 'NOT_FOUND');
    expect(calls).toBe(2);
    stop();
    await grove.admin.keys.create({ name: 'unobserved', scopes: ['invoke'] });
    expect(calls).toBe(2);
  });

  it('audits key changes', async () => {
    const { items } = await grove.admin.objects.audit();
    expect(items.map((item) => item.action)).toEqual(expect.arrayContaining(['key:create', 'key:revoke']));
  });
});

describe('bearer tokens', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
