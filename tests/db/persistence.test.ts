import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeVersion, revisions } from '../../db/schema';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createCaller } from '../../server/router';
import { createServices, type Services } from '../../server/services';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { modelObject } from '../routers/fixtures';

const BOOT_KEY = 'grove_persistence_admin_key_0123';
// Each test starts the database two or three times: PGlite on disk is slow to open on a busy machine.
const RESTARTS_TIMEOUT = 120_000;

/** A database that outlives one start: a PGlite folder, or a PostgreSQL database. */
async function durableDatabase(driver: 'pglite' | 'postgres') {
  const dataDir = mkdtempSync(join(tmpdir(), 'grove-persist-'));
  const postgres = driver === 'postgres' ? await freshPostgresDatabase() : undefined;
  return {
    start(env: Record<string, string> = {}) {
      const config = loadConfig({ GROVE_DATA_DIR: dataDir, GROVE_SEED: 'false', GROVE_LOG_LEVEL: 'silent', GROVE_DEMO_TRAFFIC: 'off', ...(postgres ? { DATABASE_URL: postgres.url } : {}), ...env });
      return createServices(config, createLogger('silent'));
    },
    async drop() {
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const callerFor = (services: Services, key: string) => createCaller({ services, principal: services.keys.authenticate(key), requestId: 'test' });

describe.each(testDrivers)('persistence on %s', (driver) => {
  let database: Awaited<ReturnType<typeof durableDatabase>>;
  beforeAll(async () => {
    database = await durableDatabase(driver);
  });
  afterAll(async () => database.drop());

  it('generates one admin key on the first start with an empty database, and only then', { timeout: RESTARTS_TIMEOUT }, async () => {
    const first = await database.start();
    const generated = first.report.generatedAdminKey!;
    expect(generated).toMatch(/^grove_/);
    expect(first.report.seeded).toBe(false);
    expect(await callerFor(first.services, generated).auth.whoami()).toMatchObject({ name: 'bootstrap admin', scopes: ['admin'] });
    await first.services.close();

    const second = await database.start();
    expect(second.report.generatedAdminKey).toBeUndefined();
    expect((await callerFor(second.services, generated).keys.list()).items).toHaveLength(1);
    await second.services.close();
  });

  it('keeps models, revisions, keys and encrypted secrets across a restart', { timeout: RESTARTS_TIMEOUT }, async () => {
    const first = await database.start({ GROVE_ADMIN_KEY: BOOT_KEY });
    expect(first.report.generatedAdminKey).toBeUndefined();
    const admin = callerFor(first.services, BOOT_KEY);
    await admin.models.create({ object: modelObject('durable', { apiKey: { value: 'sk-durable-secret-4321' } }) });
    await admin.models.transition({ id: 'durable', to: 'active' });
    const invoke = await admin.keys.create({ name: 'invoker', scopes: ['invoke'] });
    const before = { model: await admin.models.get({ id: 'durable' }), history: await admin.models.history({ id: 'durable' }) };
    await first.services.close();

    const second = await database.start({ GROVE_ADMIN_KEY: BOOT_KEY });
    const again = callerFor(second.services, BOOT_KEY);
    expect(await again.models.get({ id: 'durable' })).toEqual(before.model);
    expect(await again.models.history({ id: 'durable' })).toEqual(before.history);
    expect(second.services.registry.snapshot.apiKeys.get('durable')).toBe('sk-durable-secret-4321');
    expect(await callerFor(second.services, invoke.key).auth.whoami()).toMatchObject({ name: 'invoker' });
    // the bootstrap key is registered once, not once per start
    expect((await again.keys.list()).items.filter((key) => key.name.includes('GROVE_ADMIN_KEY'))).toHaveLength(1);
    await second.services.close();
  });

  it("keeps a key's last use across a restart", { timeout: RESTARTS_TIMEOUT }, async () => {
    const first = await database.start({ GROVE_ADMIN_KEY: BOOT_KEY });
    const used = await callerFor(first.services, BOOT_KEY).keys.create({ name: 'used-before-restart', scopes: ['invoke'] });
    const unused = await callerFor(first.services, BOOT_KEY).keys.create({ name: 'never-used', scopes: ['invoke'] });
    await callerFor(first.services, used.key).auth.whoami();
    const lastUse = (await callerFor(first.services, BOOT_KEY).keys.list()).items.find((key) => key.id === used.view.id)!.lastUsedAt;
    expect(lastUse).toMatch(/^\d{4}-/);
    // no flush by the test: closing writes what the interval has not written yet
    await first.services.close();

    const second = await database.start({ GROVE_ADMIN_KEY: BOOT_KEY });
    const { items } = await callerFor(second.services, BOOT_KEY).keys.list();
    expect(items.find((key) => key.id === used.view.id)?.lastUsedAt).toBe(lastUse);
    expect(items.find((key) => key.id === unused.view.id)?.lastUsedAt).toBeNull();
    await second.services.close();
  });
});

describe.each(testDrivers)('seed on %s', (driver) => {
  let database: Awaited<ReturnType<typeof durableDatabase>>;
  beforeAll(async () => {
    database = await durableDatabase(driver);
  });
  afterAll(async () => database.drop());

  it('seeds examples/models.yaml on the first start, and never again', { timeout: RESTARTS_TIMEOUT }, async () => {
    const env = { GROVE_SEED: 'true', GROVE_ADMIN_KEY: BOOT_KEY, ANTHROPIC_API_KEY: 'sk-ant-seed' };
    const first = await database.start(env);
    expect(first.report.seeded).toBe(true);
    // GROVE_ADMIN_KEY given: no key is generated, even on an empty database
    expect(first.report.generatedAdminKey).toBeUndefined();
    expect((await callerFor(first.services, BOOT_KEY).keys.list()).items).toHaveLength(1);
    const admin = callerFor(first.services, BOOT_KEY);
    const { items } = await admin.models.list();
    const upstream = Object.fromEntries(items.map((model) => [model.metadata.id, `${model.spec.provider as string}:${model.spec.model as string}`]));
    expect(upstream).toMatchObject({ 'claude-sonnet': 'anthropic:claude-sonnet-4-5', 'claude-opus': 'anthropic:claude-opus-4-5', 'gemini-pro': 'gemini:gemini-2.5-pro', 'gemini-flash': 'gemini:gemini-2.5-flash' });
    expect(items.filter((model) => model.spec.provider === 'simulated').length).toBeGreaterThanOrEqual(2);
    expect(items.find((model) => model.metadata.id === 'gemini-pro')!.spec.apiKey).toEqual({ env: 'GEMINI_API_KEY' });
    expect(first.services.registry.snapshot.apiKeys.get('claude-sonnet')).toBe('sk-ant-seed');
    expect((await admin.models.history({ id: 'claude-sonnet' })).items[0]!.actor).toBe('system:seed');
    await admin.models.update({ id: 'sim-swift', revision: 1, object: { ...(await admin.models.get({ id: 'sim-swift' })), status: undefined, spec: { ...(await admin.models.get({ id: 'sim-swift' })).spec, model: 'edited' } } });
    const revisionCount = (await first.services.database.db.select().from(revisions)).length;
    await first.services.close();

    const second = await database.start(env);
    expect(second.report.seeded).toBe(false);
    expect((await callerFor(second.services, BOOT_KEY).models.get({ id: 'sim-swift' })).spec.model).toBe('edited');
    expect((await second.services.database.db.select().from(revisions)).length).toBe(revisionCount);
    await second.services.close();
  });

  it('does not seed a database that has been used, even with no models in it', { timeout: RESTARTS_TIMEOUT }, async () => {
    const used = await durableDatabase(driver);
    const first = await used.start({ GROVE_ADMIN_KEY: BOOT_KEY });
    await first.services.close();
    const second = await used.start({ GROVE_ADMIN_KEY: BOOT_KEY, GROVE_SEED: 'true' });
    expect(second.report.seeded).toBe(false);
    expect(second.services.registry.snapshot.models).toHaveLength(0);
    await second.services.close();
    await used.drop();
  });
});

describe.runIf(testDrivers.includes('postgres'))('several instances on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof durableDatabase>>;
  let instances: Services[] = [];
  beforeAll(async () => {
    database = await durableDatabase('postgres');
    instances = [(await database.start({ GROVE_ADMIN_KEY: BOOT_KEY })).services, (await database.start({ GROVE_ADMIN_KEY: BOOT_KEY })).services];
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    await database.drop();
  });

  it('carries a change made on one instance to the other, and then settles', { timeout: RESTARTS_TIMEOUT }, async () => {
    const [one, other] = instances as [Services, Services];
    await callerFor(one, BOOT_KEY).models.create({ object: modelObject('shared') });
    await expect.poll(() => other.registry.snapshot.models.map((model) => model.metadata.id), { timeout: 5_000 }).toEqual(['shared']);
    // a reload that notified again would bounce between the instances forever; the subject is what
    // does not happen, which no event announces: versions read after a quiet spell, then another
    await new Promise((resolve) => setTimeout(resolve, 300));
    const versions = [one.registry.snapshot.version, other.registry.snapshot.version];
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([one.registry.snapshot.version, other.registry.snapshot.version]).toEqual(versions);
  });

  it('carries a new key to the other instance', { timeout: RESTARTS_TIMEOUT }, async () => {
    const [one, other] = instances as [Services, Services];
    const created = await callerFor(one, BOOT_KEY).keys.create({ name: 'spread', scopes: ['invoke'] });
    await callerFor(one, BOOT_KEY).models.create({ object: modelObject('nudge') });
    await expect.poll(() => other.keys.authenticate(created.key)?.name, { timeout: 5_000 }).toBe('spread');
  });

  it("lists a key's use through one instance on the other once it is flushed, and no peer reloads for it", { timeout: RESTARTS_TIMEOUT }, async () => {
    const [one, other] = instances as [Services, Services];
    const created = await callerFor(one, BOOT_KEY).keys.create({ name: 'used-on-one', scopes: ['invoke'] });
    await expect.poll(() => other.keys.current(created.view.id)?.name, { timeout: 5_000 }).toBe('used-on-one');
    const version = async () => (await one.database.db.select({ version: changeVersion.version }).from(changeVersion))[0]!.version;
    // a reload reads the version before the rows, so the key can be seen while the version loaded is
    // still the one before it (a later check catches up): wait for the other to be level first
    await expect.poll(async () => other.keys.loadedVersion === (await version()), { timeout: 5_000 }).toBe(true);
    const before = { version: await version(), loaded: other.keys.loadedVersion };

    await callerFor(one, created.key).auth.whoami();
    const usedAt = (await one.keys.list()).find((key) => key.id === created.view.id)!.lastUsedAt;
    expect(usedAt).not.toBeNull();
    expect((await other.keys.list()).find((key) => key.id === created.view.id)?.lastUsedAt).toBeNull();
    await one.keys.usage.flush();
    expect((await other.keys.list()).find((key) => key.id === created.view.id)?.lastUsedAt).toBe(usedAt);

    // a use written is not a change of the keys: the version stays, and the other has nothing to reload
    expect(await version()).toBe(before.version);
    expect(other.keys.loadedVersion).toBe(before.loaded);
  });
});
