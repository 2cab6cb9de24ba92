import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Registry, type RegistrySnapshot } from '../../server/registry/registry';
import { readChangeVersion } from '../../server/registry/repository';
import { createSecretBox, loadSecretKey } from '../../server/secrets';
import { testDrivers } from '../support/database';
import { countReads } from '../support/registry-reads';
import { startTestServices, type TestServices } from '../support/services';
import { alertRule } from '../alerts/fixtures';
import { capabilityObject, modelObject } from '../routers/fixtures';

/**
 * After its own commit an instance applies the commit's changes to the registry it holds instead
 * of reading every object back (server/registry/registry.ts, afterCommit). What it holds must be
 * what a load from the database gives, and a change someone else made first must not be lost.
 */
describe.each(testDrivers)('the registry after its own commits, on %s', (driver) => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices({ driver, env: { GROVE_TEST_TEAM: 'platform' } });
  });
  afterAll(async () => grove.close());

  /** A second registry on the same database, loaded from it now. */
  async function loadedFresh(): Promise<Registry> {
    const box = createSecretBox(loadSecretKey(grove.config.secretKey, grove.config.dataDir));
    const fresh = new Registry(grove.services.database.db, box, grove.config.env);
    await fresh.load();
    return fresh;
  }

  const views = (snapshot: RegistrySnapshot) => Object.fromEntries([...snapshot.byKind].map(([kind, objects]) => [kind, Object.fromEntries(objects)]));
  /** the order of kinds and ids, which listings and ties follow */
  const order = (snapshot: RegistrySnapshot) => [...snapshot.byKind].map(([kind, objects]) => [kind, [...objects.keys()]]);

  it('holds what a load from the database gives, after creates, updates, transitions, rollbacks and deletes', async () => {
    const { registry } = grove.services;
    const before = registry.loadedVersion;
    await grove.admin.objects.applyAll({
      objects: [
        capabilityObject('legal'),
        modelObject('kept', { lifecycle: 'active', aliases: ['kept-alias'], apiKey: { value: 'sk-kept-secret-1234' }, capabilities: { reasoning: 70, creativity: 50, precision: 50, speed: 50, context: 50, legal: 80 } }),
        modelObject('backup', { lifecycle: 'active' }),
        modelObject('scratch'),
        alertRule('hooked', { metric: 'error_rate', model: 'kept', comparator: '>', threshold: 0.2, webhook: { url: 'http://127.0.0.1:9/hook', headers: { Authorization: 'Bearer hook-token-4321', 'X-Team': { env: 'GROVE_TEST_TEAM' } } } }),
      ],
    });
    // an update that keeps the stored secret, one that changes it, a transition and a rollback
    await grove.admin.objects.applyAll({ objects: [modelObject('kept', { lifecycle: 'active', aliases: ['kept-alias', 'kept-2'], apiKey: { set: true }, fallbacks: ['backup'] })] });
    await grove.admin.objects.applyAll({ objects: [modelObject('backup', { lifecycle: 'active', apiKey: { value: 'sk-backup-secret-9876' } })] });
    await grove.admin.models.transition({ id: 'backup', to: 'deprecated' });
    await grove.admin.models.rollback({ id: 'kept', toRevision: 1, revision: 2 });
    await grove.admin.models.delete({ id: 'scratch' });
    await grove.admin.objects.applyAll({ objects: [modelObject('scratch', { pricing: { inputPer1M: 0.5, outputPer1M: 1.5 } })] });

    const fresh = await loadedFresh();
    expect(views(registry.snapshot)).toStrictEqual(views(fresh.snapshot));
    expect(order(registry.snapshot)).toEqual(order(fresh.snapshot));
    expect(order(registry.snapshot)).toContainEqual(['Model', ['backup', 'kept', 'scratch']]);
    expect(registry.snapshot.models.map((model) => model.metadata.id).sort()).toEqual(fresh.snapshot.models.map((model) => model.metadata.id).sort());
    expect(registry.snapshot.modelIdByName).toStrictEqual(fresh.snapshot.modelIdByName);
    expect(registry.snapshot.apiKeys).toStrictEqual(fresh.snapshot.apiKeys);
    expect(registry.snapshot.webhookHeaders).toStrictEqual(fresh.snapshot.webhookHeaders);
    expect(registry.snapshot.apiKeys.get('kept')).toBe('sk-kept-secret-1234');
    // the re-created id continues its numbering after its deleted predecessor's revisions
    expect(registry.get('Model', 'scratch').status.revision).toBe(3);
    expect(registry.loadedVersion).toBe(fresh.loadedVersion);
    expect(registry.loadedVersion).toBeGreaterThan(before);
  });

  it('reads the registry again when someone else changed the database before its commit', async () => {
    const { registry } = grove.services;
    // an operator's SQL: no instance is told, but the trigger moves the change version
    const spec = { ...registry.get('Model', 'scratch').spec, model: 'by-sql-upstream' };
    await grove.services.database.db.execute(
      sql`insert into objects (kind, id, metadata, spec, revision, created_at, updated_at) values ('Model', 'by-sql', ${JSON.stringify({ id: 'by-sql', title: 'Written by SQL' })}::jsonb, ${JSON.stringify(spec)}::jsonb, 1, now(), now())`,
    );
    expect(() => registry.get('Model', 'by-sql')).toThrow(/not found/);
    await grove.admin.objects.applyAll({ objects: [modelObject('after-sql')] });
    // the commit found the database ahead of what it held: both changes are in force
    expect(registry.get('Model', 'after-sql').status.revision).toBe(1);
    expect(registry.get('Model', 'by-sql').metadata.title).toBe('Written by SQL');
    expect(views(registry.snapshot)).toStrictEqual(views((await loadedFresh()).snapshot));
  });

  it('does not read every object back for the version its own commit wrote, asked for while that commit is merged in', async () => {
    const { registry, database } = grove.services;
    const reads = countReads(registry);
    // the transaction's answer reaches the registry 100 ms after the database has committed: the
    // check below then always reads the new version before the merge is queued, as it can by chance
    const db = database.db as unknown as { transaction<T>(work: (transaction: unknown) => Promise<T>): Promise<T> };
    const transaction = db.transaction;
    db.transaction = function <T>(this: unknown, work: (transaction: unknown) => Promise<T>) {
      return transaction.call(this, work).then((result) => new Promise<T>((resolve) => setTimeout(() => resolve(result as T), 100)));
    };
    try {
      const before = await readChangeVersion(database.db);
      const applying = registry.apply('test', Array.from({ length: 1_500 }, (_, index) => modelObject(`bulk-${index}`)));
      // what the once-a-second check of server/peer-sync.ts does: read the database's version, and
      // catch up with it. It moves when the commit does, while the registry is still merging it in.
      let seen = before;
      while (seen === before) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        seen = await readChangeVersion(database.db);
      }
      expect(registry.loadedVersion).toBeLessThan(seen);
      await Promise.all([applying, registry.catchUp(seen)]);
      expect(reads.count).toBe(0);
      expect(registry.loadedVersion).toBe(seen);
      expect(registry.get('Model', 'bulk-1499').status.revision).toBe(1);
    } finally {
      db.transaction = transaction;
      reads.stop();
    }
  });

  it('reads every object back when the database is ahead of what it holds', async () => {
    const { registry, database } = grove.services;
    await registry.apply('test', [modelObject('renamed')]);
    const reads = countReads(registry);
    try {
      await database.db.execute(sql`update objects set metadata = jsonb_set(metadata, '{title}', '"Renamed by SQL"'), revision = revision + 1 where kind = 'Model' and id = 'renamed'`);
      const version = await readChangeVersion(database.db);
      expect(version).toBeGreaterThan(registry.loadedVersion);
      await registry.catchUp(version);
      expect(reads.count).toBe(1);
      expect(registry.get('Model', 'renamed').metadata.title).toBe('Renamed by SQL');
      // and once it holds it, asking again reads nothing
      await registry.catchUp(version);
      expect(reads.count).toBe(1);
    } finally {
      reads.stop();
    }
  });
});
