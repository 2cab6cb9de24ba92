import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objects, revisions } from '../../db/schema';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { expectTrpcError, modelObject } from './fixtures';

const PLAINTEXT = 'sk-very-secret-value-WXYZ';

describe.each(testDrivers)('secrets on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver, env: { ANTHROPIC_API_KEY: 'sk-ant-from-env' } });
  });
  afterAll(async () => grove.close());

  const rawTables = async (id: string) => {
    const objectRows = await grove.services.database.db.select().from(objects).where(eq(objects.id, id));
    const revisionRows = await grove.services.database.db.select().from(revisions).where(eq(revisions.objectId, id));
    return JSON.stringify({ objectRows, revisionRows });
  };

  it('stores a value encrypted and returns only set and the last 4 characters', async () => {
    const created = await grove.admin.models.create({ object: modelObject('keyed', { apiKey: { value: PLAINTEXT } }) });
    expect(created.spec.apiKey).toEqual({ set: true, last4: 'WXYZ' });
    expect((await grove.admin.models.get({ id: 'keyed' })).spec.apiKey).toEqual({ set: true, last4: 'WXYZ' });
    const raw = await rawTables('keyed');
    expect(raw).toContain('ciphertext');
    expect(raw).not.toContain(PLAINTEXT);
    expect(raw).not.toContain(Buffer.from(PLAINTEXT).toString('base64'));
  });

  it('never returns the value: not in list, history, export or the audit', async () => {
    const everything = JSON.stringify([
      await grove.admin.models.list(),
      await grove.admin.models.history({ id: 'keyed' }),
      await grove.admin.objects.export(),
      await grove.admin.objects.get({ kind: 'Model', id: 'keyed' }),
      await grove.admin.objects.audit(),
    ]);
    expect(everything).not.toContain(PLAINTEXT);
    expect(everything).not.toContain('ciphertext');
    expect((await grove.admin.models.history({ id: 'keyed' })).items[0]!.spec).toMatchObject({ apiKey: { set: true, last4: 'WXYZ' } });
  });

  it('hands the decrypted key to the registry snapshot, and only there', () => {
    expect(grove.services.registry.snapshot.apiKeys.get('keyed')).toBe(PLAINTEXT);
    expect(JSON.stringify(grove.services.registry.snapshot.models)).not.toContain(PLAINTEXT);
  });

  it('keeps the stored value when given { set: true }', async () => {
    const before = await rawTables('keyed');
    const updated = await grove.admin.models.update({ id: 'keyed', revision: 1, object: modelObject('keyed', { apiKey: { set: true, last4: 'WXYZ' }, model: 'renamed-upstream' }) });
    expect(updated.spec.apiKey).toEqual({ set: true, last4: 'WXYZ' });
    expect(grove.services.registry.snapshot.apiKeys.get('keyed')).toBe(PLAINTEXT);
    const ciphertexts = (raw: string) => [...raw.matchAll(/"ciphertext":"([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ciphertexts(await rawTables('keyed')))).toEqual(new Set(ciphertexts(before)));
  });

  it('replaces the stored value when given a new one', async () => {
    const updated = await grove.admin.models.update({ id: 'keyed', revision: 2, object: modelObject('keyed', { apiKey: { value: 'sk-another-1234' } }) });
    expect(updated.spec.apiKey).toEqual({ set: true, last4: '1234' });
    expect(grove.services.registry.snapshot.apiKeys.get('keyed')).toBe('sk-another-1234');
  });

  it('refuses { set: true } when nothing is stored', async () => {
    const problems = await expectTrpcError(grove.admin.models.create({ object: modelObject('unkeyed', { apiKey: { set: true } }) }), 'BAD_REQUEST');
    expect(problems).toEqual([{ path: 'spec.apiKey', message: expect.stringMatching(/no stored key/) }]);
    await expectTrpcError(grove.admin.models.get({ id: 'unkeyed' }), 'NOT_FOUND');
  });

  it('refuses a malformed secret with its path', async () => {
    for (const apiKey of [{ value: '' }, { env: 'not a name' }, { value: 'x', env: 'Y' }, 'sk-bare-string']) {
      const problems = await expectTrpcError(grove.admin.models.create({ object: modelObject('malformed', { apiKey }) }), 'BAD_REQUEST');
      expect(problems.map((problem) => problem.path).every((path) => path.startsWith('spec.apiKey')), JSON.stringify(problems)).toBe(true);
      expect(problems.length).toBeGreaterThan(0);
    }
  });

  it('resolves { env } from the configured environment, and shows the name only', async () => {
    const created = await grove.admin.models.create({ object: modelObject('from-env', { provider: 'anthropic', apiKey: { env: 'ANTHROPIC_API_KEY' } }) });
    expect(created.spec.apiKey).toEqual({ env: 'ANTHROPIC_API_KEY' });
    expect(grove.services.registry.snapshot.apiKeys.get('from-env')).toBe('sk-ant-from-env');
    await grove.admin.models.create({ object: modelObject('env-unset', { apiKey: { env: 'GROVE_TEST_UNSET_VARIABLE' } }) });
    expect(grove.services.registry.snapshot.apiKeys.get('env-unset')).toBeUndefined();
    await grove.admin.models.create({ object: modelObject('no-key') });
    expect(grove.services.registry.snapshot.apiKeys.get('no-key')).toBeUndefined();
  });
});
