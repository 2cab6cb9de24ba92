import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetAlerts, parseFleetMessage, PEER_TTL_MS } from '../../server/alerts/fleet-alerts';
import { loadConfig } from '../../server/config';
import type { GroveEvent } from '../../server/events';
import { createLogger } from '../../server/logger';
import { createServices, type Services } from '../../server/services';
import { startFakeWebhook, type FakeWebhook } from '../fakes/fake-webhook';
import { freshPostgresDatabase, testDrivers } from '../support/database';
import { waitFor } from '../support/wait-for';
import { modelObject } from '../routers/fixtures';
import { completed } from '../telemetry/requests';
import { alertRule } from './fixtures';

const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('the fleet’s alert bookkeeping', () => {
  const message = (instance: string, alertIds: string[], at = T0) => ({ instance, at, firing: alertIds.map((alertId) => ({ alertId, value: 1, since: at })), transitions: [] });

  it('shows what each peer last said fires, and forgets a peer gone quiet', () => {
    const fleet = new FleetAlerts();
    fleet.receive(message('b', ['x', 'y']), T0);
    fleet.receive(message('a', ['x']), T0);
    expect([...fleet.firing(T0 + 1_000)].map(([id, where]) => [id, where.map((entry) => entry.instance)])).toEqual([
      ['x', ['a', 'b']],
      ['y', ['b']],
    ]);
    // b's next word replaces its last; a says nothing more
    fleet.receive(message('b', []), T0 + 5_000);
    expect([...fleet.firing(T0 + 5_000).keys()]).toEqual(['x']);
    expect(fleet.firing(T0 + PEER_TTL_MS + 1).size).toBe(0);
  });

  it('reads only notices it understands', () => {
    expect(parseFleetMessage(JSON.stringify(message('a', ['x'])))).toMatchObject({ instance: 'a', firing: [{ alertId: 'x' }] });
    for (const payload of ['not json', '{}', JSON.stringify({ ...message('a', []), transitions: [{ type: 'alert.exploded' }] }), '123 45']) {
      expect(parseFleetMessage(payload)).toBeUndefined();
    }
  });
});

// Two instances on one PostgreSQL: each judges its own traffic, and the other hears (LISTEN/NOTIFY).
describe.runIf(testDrivers.includes('postgres'))('alert state across two instances on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let first: Services;
  let second: Services;
  let webhook: FakeWebhook;
  const heardBySecond: GroveEvent[] = [];
  let secondClosed = false;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    webhook = await startFakeWebhook();
    const config = loadConfig({ DATABASE_URL: database.url, GROVE_SECRET_KEY: 'shared-secret-key-0123456789', GROVE_ADMIN_KEY: 'grove_shared_admin_key_012345', GROVE_SEED: 'false', GROVE_DATA_DIR: 'memory://' });
    // one after the other: two starting at once may both insert the bootstrap admin key, and one
    // fails on its unique hash (KeyStore.ensure; seen in about one run of three)
    first = (await createServices(config, createLogger('silent'))).services;
    second = (await createServices(config, createLogger('silent'))).services;
    second.events.on((event) => {
      if (event.type === 'alert.fired' || event.type === 'alert.resolved') heardBySecond.push(event);
    });
    await first.registry.apply('test', [modelObject('shared', { lifecycle: 'active' }), alertRule('shared-errors', { metric: 'error_rate', model: 'shared', comparator: '>', threshold: 0.5, windowSeconds: 10, webhook: { url: webhook.url } })]);
    await waitFor(() => second.registry.list('AlertRule').length === 1, { what: 'the rule on the second instance' });
  });
  afterAll(async () => {
    await first?.close();
    if (!secondClosed) await second?.close();
    await database?.drop();
    await webhook?.close();
  });

  /** a request that completed just now on `services`, as its gateway tells the bus */
  const request = (services: Services, outcome: 'ok' | 'error') => services.events.emit(completed({ at: Date.now() - 5, latencyMs: 5, servedModel: 'shared', outcome }));
  const firingOn = (services: Services) => services.alerts.list().items[0]!.firingOn.map((entry) => entry.instance);

  it('a rule firing on one instance’s traffic shows on the other, which sends no second webhook', async () => {
    for (let index = 0; index < 3; index++) request(first, 'error');
    await waitFor(() => firingOn(second).length === 1, { what: 'the second to hear', timeoutMs: 5_000 });
    expect(firingOn(second)).toEqual([first.alerts.instanceId]);
    expect(firingOn(first)).toEqual([first.alerts.instanceId]);
    // the second judges its own traffic: none, so not firing there
    expect(second.alerts.list().items[0]).toMatchObject({ state: 'ok' });
    expect(heardBySecond).toMatchObject([{ type: 'alert.fired', alertId: 'shared-errors', value: 1, peerInstance: first.alerts.instanceId }]);
    expect(second.alerts.list().history).toMatchObject([{ alert: 'shared-errors', state: 'firing', instance: first.alerts.instanceId }]);
    await waitFor(() => webhook.received.length === 1, { what: 'the webhook' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(webhook.received).toHaveLength(1);
  });

  it('the resolve travels too', async () => {
    for (let index = 0; index < 10; index++) request(first, 'ok');
    await waitFor(() => firingOn(second).length === 0, { what: 'the second to hear the resolve', timeoutMs: 5_000 });
    expect(heardBySecond.map((event) => event.type)).toEqual(['alert.fired', 'alert.resolved']);
    expect(second.alerts.list().history.map((entry) => entry.state)).toEqual(['resolved', 'firing']);
  });

  it('an instance that stops says so: its alerts leave the others’ view at once', async () => {
    for (let index = 0; index < 30; index++) request(second, 'error');
    await waitFor(() => firingOn(first).length === 1, { what: 'the first to hear', timeoutMs: 5_000 });
    expect(firingOn(first)).toEqual([second.alerts.instanceId]);
    await second.close();
    secondClosed = true;
    await waitFor(() => firingOn(first).length === 0, { what: 'the first to forget the stopped one', timeoutMs: 2_000 });
  });
});
