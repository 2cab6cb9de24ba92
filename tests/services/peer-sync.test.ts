import postgres from 'postgres';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createServices, type Services } from '../../server/services';
import { createPostgresCluster, postgresBinaries, type PostgresCluster } from '../support/postgres-cluster';

const model = (id: string) => ({
  apiVersion: 'grove/v1',
  kind: 'Model',
  metadata: { id },
  spec: { provider: 'simulated', model: 'sim', capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: 1000, pricing: { inputPer1M: 1, outputPer1M: 1 }, lifecycle: 'active' },
});

/** Runs one statement as the cluster's superuser, on a connection of its own. */
async function admin(url: string, statement: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await statement(sql);
  } finally {
    await sql.end();
  }
}

/** Retries a call that fails while a database reconnects. */
async function once<T>(call: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

// Changes made through one instance while another's LISTEN connection is down (a database restart)
// or whose notice never came must still reach the other: it reloads when it reconnects, and when
// the database's change version is ahead of its snapshots.
describe.runIf(postgresBinaries)('two instances on a PostgreSQL that restarts', () => {
  let cluster: PostgresCluster;
  let first: Services;
  let second: Services;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    const config = loadConfig({ DATABASE_URL: cluster.url, GROVE_SECRET_KEY: 'shared-secret-key-0123456789', GROVE_ADMIN_KEY: 'grove_shared_admin_key_012345', GROVE_SEED: 'false', GROVE_DATA_DIR: 'memory://', GROVE_LOG_LEVEL: 'silent' });
    first = (await createServices(config, createLogger('silent'))).services;
    // the second logs in as a role of its own, so that the test can keep it out while the first is in
    await admin(cluster.url, (sql) => sql`create role grove_second login superuser`);
    const secondUrl = new URL(cluster.url);
    secondUrl.username = 'grove_second';
    second = (await createServices({ ...config, databaseUrl: secondUrl.toString() }, createLogger('silent'))).services;
  }, 60_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await cluster?.destroy();
  });

  test('a revocation and a model applied through one while the other is still reconnecting reach it within 5 s of its return', async () => {
    const { key, view } = await first.keys.create({ name: 'restart', scopes: ['invoke'] });
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeDefined(), { timeout: 5_000, interval: 20 });

    // The restart as the second instance lives it when the first is quicker to reconnect: the
    // database is back for the first, which revokes and applies, while the second's LISTEN is not
    // back yet (its role may not log in), so the notices are lost to it.
    await admin(cluster.url, (sql) => sql`alter role grove_second nologin`);
    await cluster.stop();
    await cluster.start();
    await once(() => first.keys.revoke(view.id));
    await once(() => first.registry.apply('test', [model('after-restart')]));
    await admin(cluster.url, (sql) => sql`alter role grove_second login`);
    const back = Date.now();

    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeUndefined(), { timeout: 15_000, interval: 20 });
    expect(Date.now() - back).toBeLessThan(5_000);
    await vi.waitFor(() => expect(second.registry.snapshot.models.map((entry) => entry.metadata.id)).toContain('after-restart'), { timeout: 5_000, interval: 20 });
  }, 60_000);

  test('a change whose notice never came is picked up from the change version', async () => {
    const { key, view } = await first.keys.create({ name: 'silent', scopes: ['invoke'] });
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeDefined(), { timeout: 5_000, interval: 20 });
    // an operator's SQL: no instance sends a notice for it
    await admin(cluster.url, (sql) => sql`update api_keys set revoked_at = now() where id = ${view.id}`);
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeUndefined(), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(first.keys.authenticate(key)).toBeUndefined(), { timeout: 5_000, interval: 20 });
  }, 30_000);
});
