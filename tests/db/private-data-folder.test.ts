import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createServices } from '../../server/services';
import { freshPostgresDatabase, testDrivers } from '../support/database';

// PGlite on disk is slow to open on a busy machine, and the second test opens it twice
const START_TIMEOUT = 120_000;

/** Every path under `folder` (itself included) whose mode has a group or other bit, with that mode. */
function notOwnerOnly(folder: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if (stats.mode & 0o077) found.push(`${path} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(folder);
  return found;
}

describe.each(testDrivers)('the data folder on %s', (driver) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(dataDir: string, url?: string) {
    const config = loadConfig({ GROVE_DATA_DIR: dataDir, GROVE_SEED: 'false', GROVE_LOG_LEVEL: 'silent', ...(url ? { DATABASE_URL: url } : {}) });
    const { services } = await createServices(config, createLogger('silent'));
    return services;
  }

  it('is created owner-only, with everything in it', { timeout: START_TIMEOUT }, async () => {
    const parent = mkdtempSync(join(tmpdir(), 'grove-private-'));
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    const postgres = driver === 'postgres' ? await freshPostgresDatabase() : undefined;
    if (postgres) cleanups.push(() => postgres.drop());
    // a folder that does not exist yet, as on a first start
    const dataDir = join(parent, 'data');
    const services = await start(dataDir, postgres?.url);
    await services.keys.create({ name: 'some writes', scopes: ['invoke'] });
    await services.close();
    expect(readdirSync(dataDir)).toContain('secret.key');
    expect(notOwnerOnly(dataDir)).toEqual([]);
  });

  it.runIf(driver === 'pglite')('is made owner-only again on the next start when it was not', { timeout: START_TIMEOUT }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'grove-private-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await (await start(dataDir)).close();
    // as an older version left it
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'secret.key'), 0o644);
    chmodSync(join(dataDir, 'PG_VERSION'), 0o666);
    expect(notOwnerOnly(dataDir)).toHaveLength(3);
    await (await start(dataDir)).close();
    expect(notOwnerOnly(dataDir)).toEqual([]);
  });
});
