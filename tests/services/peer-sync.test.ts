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

const OUTAGE_MS = 5_000;

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
    second = (await createServices(config, createLogger('silent'))).services;
  }, 60_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await cluster?.destroy();
  });

  test('a revocation and a model applied through one, right as the database returns, reach the other within 5 s', async () => {
    const { key, view } = await first.keys.create({ name: 'restart', scopes: ['invoke'] });
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeDefined(), { timeout: 5_000, interval: 20 });

    // Down long enough for a LISTEN connection's reconnection attempts to back off (postgres.js waits
    // longer after each failed one): the scenario of a real restart, not a wait for a result.
    await cluster.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await cluster.start();
    const back = Date.now();
    // the first instance's own pool reconnects for these; the second's LISTEN may not be back yet
    await once(() => first.keys.revoke(view.id));
    await once(() => first.registry.apply('test', [model('after-restart')]));

    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeUndefined(), { timeout: 15_000, interval: 20 });
    expect(Date.now() - back).toBeLessThan(5_000);
    await vi.waitFor(() => expect(second.registry.snapshot.models.map((entry) => entry.metadata.id)).toContain('after-restart'), { timeout: 5_000, interval: 20 });
  }, 60_000);

  test('a change whose notice never came is picked up from the change version', async () => {
    const { key, view } = await first.keys.create({ name: 'silent', scopes: ['invoke'] });
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeDefined(), { timeout: 5_000, interval: 20 });
    // an operator's SQL: no instance sends a notice for it
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      await sql`update api_keys set revoked_at = now() where id = ${view.id}`;
    } finally {
      await sql.end();
    }
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeUndefined(), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(first.keys.authenticate(key)).toBeUndefined(), { timeout: 5_000, interval: 20 });
  }, 30_000);
});
