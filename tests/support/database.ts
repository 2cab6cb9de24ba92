import { randomBytes } from 'node:crypto';

/**
 * The drivers the integration suites run on: PGlite always; PostgreSQL when a server is named by
 * GROVE_TEST_DATABASE_URL or DATABASE_URL (CI sets it), each suite in a database of its own.
 */
export const testDrivers: Array<'pglite' | 'postgres'> = postgresServerUrl() ? ['pglite', 'postgres'] : ['pglite'];

function postgresServerUrl(): string | undefined {
  return process.env.GROVE_TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

/** Creates a fresh, empty database on the test server; `drop` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = postgresServerUrl();
  if (!serverUrl) throw new Error('no PostgreSQL server configured (set DATABASE_URL)');
  const { default: postgres } = await import('postgres');
  const name = `grove_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
