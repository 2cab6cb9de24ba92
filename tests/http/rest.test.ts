import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { testDrivers } from '../support/database';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';
import { modelObject } from '../routers/fixtures';

type App = Awaited<ReturnType<typeof buildApp>>;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

describe.each(testDrivers)('REST API on %s', (driver) => {
  let grove: TestServices;
  let app: App;
  let invokeKey: string;
  beforeAll(async () => {
    grove = await startTestServices({ driver });
    app = await buildApp(grove.services);
    await app.ready();
    invokeKey = (await grove.admin.keys.create({ name: 'invoker', scopes: ['invoke'] })).key;
  });
  afterAll(async () => {
    await app.close();
    await grove.close();
  });

  const problemOf = (response: { headers: Record<string, unknown>; json: () => unknown }) => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return response.json() as { type: string; title: string; status: number; detail: string; problems?: Array<{ path: string; message: string }> };
  };

  it('creates, reads, lists, updates and deletes a model', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: { object: modelObject('rest-one', { aliases: ['r1'] }) } });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ kind: 'Model', metadata: { id: 'rest-one' }, status: { revision: 1 } });

    const fetched = await app.inject({ method: 'GET', url: '/api/v1/models/rest-one', headers: admin });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toMatchObject({ spec: { aliases: ['r1'], lifecycle: 'draft' } });

    const listed = await app.inject({ method: 'GET', url: '/api/v1/models?provider=simulated&lifecycle=draft&minScore=10&capability=speed&sort=price&order=desc', headers: admin });
    expect(listed.statusCode, listed.body).toBe(200);
    expect((listed.json() as { items: Array<{ metadata: { id: string } }> }).items.map((item) => item.metadata.id)).toEqual(['rest-one']);
    const none = await app.inject({ method: 'GET', url: '/api/v1/models?provider=gemini', headers: admin });
    expect(none.json()).toEqual({ items: [] });

    const patched = await app.inject({ method: 'PATCH', url: '/api/v1/models/rest-one', headers: admin, payload: { revision: 1, object: modelObject('rest-one', { model: 'patched' }) } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ spec: { model: 'patched' }, status: { revision: 2 } });

    const deleted = await app.inject({ method: 'DELETE', url: '/api/v1/models/rest-one?revision=2', headers: admin });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toEqual({ deleted: true });
    expect((await app.inject({ method: 'GET', url: '/api/v1/models/rest-one', headers: admin })).statusCode).toBe(404);
  });

  it('answers 400 with problem JSON listing each problem with its path', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: { object: modelObject('bad', { contextWindow: 'huge', lifecycle: 'sideways' }) } });
    expect(response.statusCode).toBe(400);
    const problem = problemOf(response);
    expect(problem).toMatchObject({ type: 'about:blank', title: 'BAD_REQUEST', status: 400 });
    expect(problem.problems!.map((item) => item.path).sort()).toEqual(['spec.contextWindow', 'spec.lifecycle']);
    expect(problem.detail).toMatch(/spec\.contextWindow/);
  });

  it('answers 400 for input the procedure itself refuses', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/models?minScore=500', headers: admin });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).problems!.map((item) => item.path)).toEqual(['minScore']);
    const malformed = await app.inject({ method: 'POST', url: '/api/v1/models', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"object": ' });
    expect(malformed.statusCode).toBe(400);
  });

  it('refuses bodies with a __proto__ or constructor.prototype key, spelt plainly or escaped, and reads one that only mentions them', async () => {
    const post = (payload: string) => app.inject({ method: 'POST', url: '/api/v1/apply', headers: { ...admin, 'content-type': 'application/json' }, payload });
    const object = JSON.stringify(modelObject('poison-check'));
    for (const poisoned of [`{"objects":[${object}],"__proto__":{"dryRun":true}}`, `{"objects":[${object}],"\u005f_proto__":{}}`, `{"objects":[${object}],"constructor":{"prototype":{}}}`]) {
      const response = await post(poisoned);
      expect(response.statusCode, poisoned.slice(-40)).toBe(400);
      expect(problemOf(response)).toMatchObject({ status: 400 });
    }
    expect(grove.services.registry.snapshot.models.map((model) => model.metadata.id)).not.toContain('poison-check');
    const mentioned = await post(JSON.stringify({ objects: [modelObject('poison-check', { model: '"__proto__" and \u0063onstructor' })], dryRun: true }));
    expect(mentioned.statusCode, mentioned.body).toBe(200);
  });

  it('answers 401 without a valid key and 403 for an invoke key', async () => {
    const missing = await app.inject({ method: 'GET', url: '/api/v1/models' });
    expect(missing.statusCode).toBe(401);
    expect(problemOf(missing)).toMatchObject({ title: 'UNAUTHORIZED', status: 401 });
    expect((await app.inject({ method: 'GET', url: '/api/v1/models', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const forbidden = await app.inject({ method: 'POST', url: '/api/v1/apply', headers: { authorization: `Bearer ${invokeKey}` }, payload: { objects: [modelObject('nope')] } });
    expect(forbidden.statusCode).toBe(403);
    expect(problemOf(forbidden)).toMatchObject({ title: 'FORBIDDEN', status: 403 });
    expect(grove.services.registry.snapshot.models.map((model) => model.metadata.id)).not.toContain('nope');
  });

  it('answers 404 for an unknown model and 409 for a stale revision or a duplicate', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/models/ghost', headers: admin });
    expect(unknown.statusCode).toBe(404);
    expect(problemOf(unknown).detail).toMatch(/ghost/);
    await app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: { object: modelObject('rest-two') } });
    const duplicate = await app.inject({ method: 'POST', url: '/api/v1/models', headers: admin, payload: { object: modelObject('rest-two') } });
    expect(duplicate.statusCode).toBe(409);
    await app.inject({ method: 'PATCH', url: '/api/v1/models/rest-two', headers: admin, payload: { revision: 1, object: modelObject('rest-two', { model: 'first' }) } });
    const stale = await app.inject({ method: 'PATCH', url: '/api/v1/models/rest-two', headers: admin, payload: { revision: 1, object: modelObject('rest-two', { model: 'second' }) } });
    expect(stale.statusCode).toBe(409);
    expect(problemOf(stale)).toMatchObject({ title: 'CONFLICT', status: 409 });
    expect(grove.services.registry.get('Model', 'rest-two').spec.model).toBe('first');
  });

  it('applies objects all or nothing', async () => {
    const applied = await app.inject({ method: 'POST', url: '/api/v1/apply', headers: admin, payload: { objects: [modelObject('applied-a'), modelObject('applied-b', { fallbacks: ['applied-a'] })] } });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toEqual({ results: [
      { kind: 'Model', id: 'applied-a', action: 'created', revision: 1 },
      { kind: 'Model', id: 'applied-b', action: 'created', revision: 1 },
    ] });
    const refused = await app.inject({ method: 'POST', url: '/api/v1/apply', headers: admin, payload: { objects: [modelObject('applied-c'), modelObject('applied-a', { contextWindow: 'big' })] } });
    expect(refused.statusCode).toBe(400);
    expect(problemOf(refused).problems).toEqual([{ path: '[1].spec.contextWindow', message: expect.any(String) }]);
    expect(grove.services.registry.snapshot.models.map((model) => model.metadata.id)).not.toContain('applied-c');
    const again = await app.inject({ method: 'POST', url: '/api/v1/apply', headers: admin, payload: { objects: [modelObject('applied-a')], dryRun: true } });
    expect(again.json()).toEqual({ results: [{ kind: 'Model', id: 'applied-a', action: 'unchanged', revision: 1 }] });
  });

  it('publishes the OpenAPI document with these paths', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths['/v1/models']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/v1/models/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(document.paths['/v1/apply']!)).toEqual(['post']);
  });

  it('answers /healthz and /readyz, with a request id', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['x-request-id']).toEqual(expect.any(String));
    const ready = await app.inject({ method: 'GET', url: '/readyz', headers: { 'x-request-id': 'probe-1' } });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: 'reachable', migrations: 'applied' });
    expect(ready.headers['x-request-id']).toBe('probe-1');
    // as on /v1/chat/completions: an overlong id is not echoed, a UUID is made instead
    const overlong = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'r'.repeat(201) } });
    expect(overlong.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('serves tRPC over HTTP at /trpc with the same auth', async () => {
    const whoami = await app.inject({ method: 'GET', url: '/trpc/auth.whoami', headers: admin });
    expect(whoami.statusCode).toBe(200);
    expect(whoami.body).toMatch(/bootstrap admin/);
    const denied = await app.inject({ method: 'GET', url: '/trpc/models.list' });
    expect(denied.statusCode).toBe(401);
    const invalid = await app.inject({ method: 'POST', url: '/trpc/models.create', headers: admin, payload: { object: modelObject('trpc-bad', { contextWindow: 'huge' }) } });
    expect(invalid.statusCode).toBe(400);
    expect((invalid.json() as { error: { data: { problems: Array<{ path: string }> } } }).error.data.problems.map((item) => item.path)).toEqual(['spec.contextWindow']);
  });
});

describe('readiness when the database is gone', () => {
  it('answers /readyz 503 once the database is closed, while /healthz stays 200', { timeout: 60_000 }, async () => {
    const grove = await startTestServices({ driver: 'pglite' });
    const app = await buildApp(grove.services);
    await grove.services.close();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
    await grove.close().catch(() => {});
  });
});
