import { loadConfig } from '../../server/config';
import type { Principal } from '../../server/auth/keys';
import { GroveError } from '../../server/errors';
import type { MetricsTick } from '../../server/events';
import { createLogger } from '../../server/logger';
import { createCaller } from '../../server/router';
import { createServices, type Services } from '../../server/services';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { waitFor } from '../support/wait-for';

const ADMIN_KEY = 'grove_fleet_admin_key_0123456789';

const simulated = {
  apiVersion: 'grove/v1',
  kind: 'Model',
  metadata: { id: 'fleet-sim' },
  spec: { provider: 'simulated', model: 'sim', capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: 100, pricing: { inputPer1M: 3, outputPer1M: 15 }, lifecycle: 'active', simulation: { latencyMs: { p50: 2, p99: 5 }, tokensPerSecond: 50_000, errorRate: 0 } },
};

/** Two Grove processes on one PostgreSQL, as behind a load balancer: one fleet. */
describe.runIf(testDrivers.includes('postgres'))('a fleet of two instances on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let first: Services;
  let second: Services;
  let principal: Principal;
  let limited: Principal;

  const complete = async (services: Services) => {
    const answer = await services.gateway.complete({ body: { model: 'fleet-sim', messages: [{ role: 'user', content: 'hello fleet' }] }, principal, headers: {}, signal: new AbortController().signal });
    return answer.costUsd;
  };
  const summary = (services: Services) => createCaller({ services, principal: services.keys.authenticate(ADMIN_KEY), requestId: 'test' }).metrics.summary({ range: '15m' });

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    // a long heartbeat: the test beats by hand, so that it knows what each instance has seen
    const config = loadConfig({ DATABASE_URL: database.url, GROVE_SECRET_KEY: 'fleet-secret-key-0123456789', GROVE_ADMIN_KEY: ADMIN_KEY, GROVE_SEED: 'false', GROVE_DATA_DIR: 'memory://', GROVE_LOG_LEVEL: 'silent', GROVE_HEARTBEAT_MS: '60000' });
    first = (await createServices(config, createLogger('silent'))).services;
    second = (await createServices(config, createLogger('silent'))).services;
    await first.registry.apply('test', [simulated]);
    await waitFor(() => second.registry.snapshot.models.length === 1, { what: 'the model on the second instance' });
    const traffic = await first.keys.create({ name: 'fleet traffic', scopes: ['invoke'] });
    const small = await first.keys.create({ name: 'fleet key', scopes: ['invoke'], rateLimitPerMinute: 4 });
    await waitFor(() => second.keys.authenticate(small.key) !== null, { what: 'the keys on the second instance' });
    principal = first.keys.authenticate(traffic.key)!;
    limited = first.keys.authenticate(small.key)!;
    await first.fleet.beat();
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.drop();
  });

  test('each instance sees both, itself marked, through system.fleet', async () => {
    const fleet = await createCaller({ services: first, principal: first.keys.authenticate(ADMIN_KEY), requestId: 'test' }).system.fleet({});
    expect(fleet.size).toBe(2);
    expect(fleet.instances.map((instance) => instance.self).sort()).toEqual([false, true]);
    expect(fleet.instances.find((instance) => instance.self)!.instanceId).toBe(first.fleet.instanceId);
    expect(Date.parse(fleet.instances[0]!.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('a key\'s limit is shared: 4 a minute over two instances is 2 on each', () => {
    const admitted = (services: Services) => {
      let count = 0;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          services.gateway.admit(limited);
          count++;
        } catch (error) {
          expect((error as GroveError).code).toBe('rate_limit_exceeded');
        }
      }
      return count;
    };
    expect(admitted(first)).toBe(2);
    expect(admitted(second)).toBe(2);
  });

  test('fleet totals are the sum of both instances, before and after either stores its rows, never counted twice', async () => {
    const costs: number[] = [];
    for (let index = 0; index < 3; index++) costs.push(await complete(first));
    for (let index = 0; index < 5; index++) costs.push(await complete(second));
    const expectedCost = costs.reduce((sum, cost) => sum + cost, 0);

    // nothing stored yet: each instance's figures reach the other through its heartbeat. A beat
    // publishes this instance's figures and reads the others': in one round run side by side, one
    // may read before the other has written (CI saw 3 of 8), so a second round reads the first's.
    await Promise.all([first.fleet.beat(), second.fleet.beat()]);
    await Promise.all([first.fleet.beat(), second.fleet.beat()]);
    for (const services of [first, second]) {
      const { totals } = await summary(services);
      expect(totals.requests).toBe(8);
      expect(totals.costUsd).toBeCloseTo(expectedCost, 12);
    }

    // the second stores its minute; the first still holds its older heartbeat with the same rows
    second.telemetry.tick(Date.now() + 5 * 60_000);
    await waitFor(() => second.telemetry.writer.written > 0, { what: 'the second instance storing its rollups' });
    expect((await summary(first)).totals.requests).toBe(8);

    // and with fresh heartbeats on both sides
    await Promise.all([first.fleet.beat(), second.fleet.beat()]);
    expect((await summary(first)).totals.requests).toBe(8);
    expect((await summary(second)).totals.requests).toBe(8);
  });

  test('an instance that leaves is no longer counted, and its share goes back to the others', async () => {
    const leaving = second;
    await leaving.close();
    second = undefined as unknown as Services;
    await first.fleet.beat();
    expect(first.fleet.size()).toBe(1);
    expect(first.fleet.list().map((instance) => instance.self)).toEqual([true]);
    // what it counted was stored when it closed: still in the fleet's totals
    expect((await summary(first)).totals.requests).toBe(8);
  });
});

/** The live figures (ticks, metrics.live) of two instances on one PostgreSQL, exchanged over NOTIFY each second. */
describe.runIf(testDrivers.includes('postgres'))('live figures of a fleet of two', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let first: Services;
  let second: Services;
  let principal: Principal;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const config = loadConfig({ DATABASE_URL: database.url, GROVE_SECRET_KEY: 'fleet-secret-key-0123456789', GROVE_ADMIN_KEY: ADMIN_KEY, GROVE_SEED: 'false', GROVE_DATA_DIR: 'memory://', GROVE_LOG_LEVEL: 'silent' });
    first = (await createServices(config, createLogger('silent'))).services;
    second = (await createServices(config, createLogger('silent'))).services;
    await first.registry.apply('test', [simulated]);
    await waitFor(() => second.registry.snapshot.models.length === 1, { what: 'the model on the second instance' });
    const traffic = await first.keys.create({ name: 'fleet traffic', scopes: ['invoke'] });
    await waitFor(() => second.keys.authenticate(traffic.key) !== null, { what: 'the key on the second instance' });
    principal = first.keys.authenticate(traffic.key)!;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await database?.drop();
  });

  test('each instance\'s ticks and live view hold both instances\' requests, each once', { timeout: 30_000 }, async () => {
    const ticks = new Map<Services, MetricsTick[]>([[first, []], [second, []]]);
    for (const [services, list] of ticks) {
      services.events.on((event) => {
        if (event.type === 'metrics.tick') list.push(event);
      });
    }
    const complete = (services: Services) => services.gateway.complete({ body: { model: 'fleet-sim', messages: [{ role: 'user', content: 'hello fleet' }] }, principal, headers: {}, signal: new AbortController().signal });
    const live = (services: Services) => createCaller({ services, principal: services.keys.authenticate(ADMIN_KEY), requestId: 'test' }).metrics.live({ seconds: 60, until: 'completed' });
    // each has heard the other (a second that ends before an instance hears a new peer is not waited for)
    for (const services of [first, second]) await waitFor(async () => (await live(services)).instances === 2, { what: 'the instances to hear each other' });
    for (let index = 0; index < 3; index++) await complete(first);
    for (let index = 0; index < 5; index++) await complete(second);

    const counted = (list: MetricsTick[]) => list.reduce((sum, tick) => sum + (tick.models.find((model) => model.modelId === 'fleet-sim')?.requests ?? 0), 0);
    for (const [services, list] of ticks) {
      await waitFor(() => counted(list) >= 8, { what: `${services === first ? 'the first' : 'the second'} instance's ticks to hold both instances' requests`, timeoutMs: 15_000 });
      expect(list.some((tick) => tick.instances === 2)).toBe(true);
      const view = await live(services);
      expect(view.instances).toBe(2);
      expect(view.models.find((model) => model.modelId === 'fleet-sim')!.requests).toBe(8);
    }
    // two more seconds: none of the requests is ticked twice
    const ticked = first.events;
    await new Promise<void>((resolve) => {
      let seen = 0;
      const off = ticked.on((event) => {
        if (event.type !== 'metrics.tick' || ++seen < 2) return;
        off();
        resolve();
      });
    });
    expect(counted(ticks.get(first)!)).toBe(8);
    expect(counted(ticks.get(second)!)).toBe(8);
  });

  test('each instance\'s event feed holds the other\'s changes and failovers, marked with where they happened', { timeout: 30_000 }, async () => {
    const controller = new AbortController();
    const seen: Array<Record<string, unknown>> = [];
    const following = (async () => {
      for await (const [, item] of second.feeds.events.follow({ recent: 0 }, controller.signal)) seen.push(item as Record<string, unknown>);
    })().catch(() => {});
    await first.registry.apply('test', [{ ...simulated, metadata: { id: 'fleet-sim-2' } }]);
    await waitFor(() => seen.some((event) => event.type === 'model.changed' && event.modelId === 'fleet-sim-2'), { what: 'the first instance\'s change in the second\'s feed' });
    expect(seen.find((event) => event.modelId === 'fleet-sim-2')).toMatchObject({ type: 'model.changed', action: 'create', peerInstance: first.fleet.instanceId });
    // a failover on the first instance (its own event) reaches the second too
    first.events.emit({ type: 'failover', at: Date.now(), requestId: 'chatcmpl-fleet', from: 'fleet-sim', to: 'fleet-sim-2', reason: 'upstream answered 503' });
    await waitFor(() => seen.some((event) => event.type === 'failover'), { what: 'the failover in the second\'s feed' });
    expect(seen.find((event) => event.type === 'failover')).toMatchObject({ requestId: 'chatcmpl-fleet', peerInstance: first.fleet.instanceId });
    // and the second's own feed does not hear its own events twice
    expect(seen.filter((event) => event.peerInstance === second.fleet.instanceId)).toEqual([]);
    controller.abort();
    await following;
  });
});
