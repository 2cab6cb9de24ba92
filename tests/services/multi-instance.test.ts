import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createServices, type Services } from '../../server/services';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { countReads } from '../support/registry-reads';
import { waitFor as waitForState } from '../support/wait-for';

// at the old helper's 25 ms: checked more often, the first test ends before the peers' last
// notices of its changes, and the reload counts of the next one see them (a race to fix)
const waitFor = (check: () => boolean) => waitForState(check, { everyMs: 25 });

const model = (id: string, lifecycle = 'active') => ({
  apiVersion: 'grove/v1',
  kind: 'Model',
  metadata: { id },
  spec: { provider: 'simulated', model: 'sim', capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: 1000, pricing: { inputPer1M: 1, outputPer1M: 1 }, lifecycle },
});

// Several stateless instances behind a load balancer on one PostgreSQL: a change made through one
// reaches the others' in-memory snapshots (LISTEN/NOTIFY), and so do new keys.
describe.runIf(testDrivers.includes('postgres'))('two Grove instances on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let first: Services;
  let second: Services;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const config = loadConfig({ DATABASE_URL: database.url, GROVE_SECRET_KEY: 'shared-secret-key-0123456789', GROVE_ADMIN_KEY: 'grove_shared_admin_key_012345', GROVE_SEED: 'false', GROVE_DATA_DIR: 'memory://' });
    // both start at once: the migrations are serialised by an advisory lock
    [first, second] = await Promise.all([createServices(config, createLogger('silent')), createServices(config, createLogger('silent'))]).then((started) => started.map((entry) => entry.services) as [Services, Services]);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  test('a model applied through one instance is routed by the other, without a restart', async () => {
    await first.registry.apply('test', [model('shared-model')]);
    await waitFor(() => second.registry.snapshot.models.some((entry) => entry.metadata.id === 'shared-model'));
    const { decision } = second.gateway.route({ model: 'shared-model', messages: [{ role: 'user', content: 'hi' }] }, { keyId: 'k', scopes: ['invoke'] }, {});
    expect(decision.chain[0]).toBe('shared-model');

    await first.registry.transition('test', 'shared-model', 'deprecated', {});
    await waitFor(() => second.registry.snapshot.models.find((entry) => entry.metadata.id === 'shared-model')?.spec.lifecycle === 'deprecated');
  });

  test('an instance does not reload for its own change, only for its peers\'', async () => {
    const reads = { first: countReads(first.registry), second: countReads(second.registry) };
    await first.registry.apply('test', [model('own-change')]);
    await waitFor(() => second.registry.snapshot.models.some((entry) => entry.metadata.id === 'own-change'));
    // The subject is what does not happen: no event to wait for, so a quiet spell longer than the
    // once-a-second check. The second's reload changed its snapshot, so it told its peers; the
    // first's snapshot already includes that version (its commit read it), and so neither that
    // notice nor the check reads the registry again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // the first: none (it applies its own commit to what it holds); the second: the first's notice
    expect({ first: reads.first.count, second: reads.second.count }).toEqual({ first: 0, second: 1 });
    expect(first.registry.loadedVersion).toBe(second.registry.loadedVersion);
  });

  test('a key created through one instance authenticates on the other', async () => {
    const { key } = await first.keys.create({ name: 'shared', scopes: ['invoke'] });
    await waitFor(() => second.keys.authenticate(key) !== undefined);
  });
});
