import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app';
import type { GatewayStreamEvent } from '../../server/client';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { createServices, type Services } from '../../server/services';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { gatewayModel, hello, startGateway, type GatewayHarness } from '../support/gateway';
import { codeOf, outcomeOf, wsClientFor } from '../support/ws-client';

/** A simulated model that streams for many seconds: a subscription stays open while the test revokes its key. */
const slowModel = gatewayModel('slow-sim', 'simulated', undefined, { simulation: { latencyMs: { p50: 2, p99: 5 }, tokensPerSecond: 2, errorRate: 0 }, maxOutputTokens: 2_000 });

/** An open gateway.stream subscription: resolves `ended` with the error it ended with (or 'completed'). */
function openStream(client: ReturnType<typeof wsClientFor>['client']) {
  const events: GatewayStreamEvent[] = [];
  let started!: () => void;
  const firstEvent = new Promise<void>((resolve) => (started = resolve));
  const ended = new Promise<string>((resolve) => {
    client.gateway.stream.subscribe(
      { model: 'slow-sim', messages: hello, max_tokens: 2_000 },
      {
        onData: (event) => {
          events.push(event);
          started();
        },
        onError: (error) => resolve(codeOf(error)),
        onComplete: () => resolve('completed'),
      },
    );
  });
  return { events, firstEvent, ended };
}

describe.each(testDrivers)('a revoked key on an open ws connection (%s)', (driver) => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await startGateway({ driver, objects: [slowModel] });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  test('an admin key: its next calls are refused and its open subscription ends with UNAUTHORIZED', async () => {
    const key = await gateway.createKey({ scopes: ['admin'] });
    const { client, close } = wsClientFor(gateway.url, key);
    try {
      expect(await outcomeOf(client.keys.list.query())).toBe('ok');
      const stream = openStream(client);
      await stream.firstEvent;
      const keyId = gateway.services.keys.authenticate(key)!.keyId;
      await gateway.grove.admin.keys.revoke({ id: keyId });

      expect(await stream.ended).toBe('UNAUTHORIZED');
      expect(stream.events.some((event) => event.type === 'done')).toBe(false);
      expect(await outcomeOf(client.keys.list.query())).toBe('UNAUTHORIZED');
      expect(await outcomeOf(client.objects.export.query({}))).toBe('UNAUTHORIZED');
      expect(await outcomeOf(client.keys.create.mutate({ name: 'minted by a revoked key', scopes: ['admin'] }))).toBe('UNAUTHORIZED');
      expect(await outcomeOf(client.auth.whoami.query())).toBe('UNAUTHORIZED');
      expect((await gateway.services.keys.list()).some((view) => view.name === 'minted by a revoked key')).toBe(false);
      expect(await outcomeOf(new Promise((resolve, reject) => client.gateway.stream.subscribe({ model: 'slow-sim', messages: hello }, { onData: resolve, onError: reject })))).toBe('UNAUTHORIZED');
    } finally {
      close();
    }
  });

  test('an invoke key: the stream stops, the next completion is refused, over ws and over HTTP', async () => {
    const key = await gateway.createKey({ scopes: ['invoke'] });
    const { client, close } = wsClientFor(gateway.url, key);
    try {
      expect(await outcomeOf(client.gateway.complete.mutate({ model: 'slow-sim', messages: hello, max_tokens: 1 }))).toBe('ok');
      const stream = openStream(client);
      await stream.firstEvent;
      await gateway.services.keys.revoke(gateway.services.keys.authenticate(key)!.keyId);

      expect(await stream.ended).toBe('UNAUTHORIZED');
      expect(await outcomeOf(client.gateway.complete.mutate({ model: 'slow-sim', messages: hello, max_tokens: 1 }))).toBe('UNAUTHORIZED');
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow-sim', messages: hello, max_tokens: 1 }),
      });
      expect(response.status).toBe(401);
      const trpcOverHttp = await fetch(`${gateway.url}/trpc/auth.whoami`, { headers: { authorization: `Bearer ${key}` } });
      expect(trpcOverHttp.status).toBe(401);
    } finally {
      close();
    }
  });
});

// The fleet: a key revoked through one instance stops working on another's open connections.
describe.runIf(testDrivers.includes('postgres'))('a key revoked through another instance', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let first: Services;
  let second: Services;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const config = loadConfig({ DATABASE_URL: database.url, GROVE_SECRET_KEY: 'shared-secret-key-0123456789', GROVE_ADMIN_KEY: 'grove_shared_admin_key_012345', GROVE_SEED: 'false', GROVE_DATA_DIR: 'memory://', GROVE_LOG_LEVEL: 'silent' });
    first = (await createServices(config, createLogger('silent'))).services;
    second = (await createServices(config, createLogger('silent'))).services;
    await first.registry.apply('test', [slowModel]);
    app = await buildApp(second);
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  test('ends the open subscription on the other instance within a second, and refuses its next call', async () => {
    const { key, view } = await first.keys.create({ name: 'fleet', scopes: ['admin'] });
    await vi.waitFor(() => expect(second.keys.authenticate(key)).toBeDefined(), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(second.registry.snapshot.models.some((model) => model.metadata.id === 'slow-sim')).toBe(true), { timeout: 5_000, interval: 20 });
    const { client, close } = wsClientFor(url, key);
    try {
      expect(await outcomeOf(client.keys.list.query())).toBe('ok');
      const stream = openStream(client);
      await stream.firstEvent;
      await first.keys.revoke(view.id);
      const revokedAt = Date.now();
      expect(await stream.ended).toBe('UNAUTHORIZED');
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
      expect(await outcomeOf(client.keys.list.query())).toBe('UNAUTHORIZED');
    } finally {
      close();
    }
  });
});
