import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../support/database';
import { startGateway, type GatewayHarness } from '../support/gateway';

/**
 * Errors say what, never where: over real HTTP, no error body carries a stack or a file path unless
 * GROVE_DEV_ERRORS asks for them, and a database that fails reaches callers as 503 "database
 * unavailable" with no SQL, host or port (those go to the server log).
 */
const absolutePath = /(?:^|[\s("'(])\/(?:[\w.@-]+\/)+[\w.@-]+\.[cm]?[jt]s\b|file:\/\/|[A-Z]:\\/;

function assertNothingLeaks(text: string) {
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(absolutePath);
  expect(text).not.toContain(process.cwd());
  expect(text).not.toMatch(/\bat .+:\d+:\d+/);
}

async function call(url: string, init: RequestInit & { key?: string } = {}) {
  const { key, ...rest } = init;
  const response = await fetch(url, { ...rest, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(rest.body ? { 'content-type': 'application/json' } : {}) } });
  return { status: response.status, text: await response.text() };
}

describe.each(testDrivers)('error bodies on %s', (driver) => {
  let gateway: GatewayHarness;
  beforeAll(async () => {
    gateway = await startGateway({ driver });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('tRPC errors for an anonymous caller carry no stack and no path', async () => {
    const anonymous = await call(`${gateway.url}/trpc/system.info`);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { data: { code: 'UNAUTHORIZED', httpStatus: 401 } } });
    assertNothingLeaks(anonymous.text);
    const badKey = await call(`${gateway.url}/trpc/system.info`, { key: 'grove_not_a_key' });
    expect(badKey.status).toBe(401);
    assertNothingLeaks(badKey.text);
  });

  it('tRPC errors for an authorized caller carry no stack and no path', async () => {
    const missing = await call(`${gateway.url}/trpc/decisions.get?input=${encodeURIComponent(JSON.stringify({ id: 'nope' }))}`, { key: gateway.adminKey });
    expect(missing.status).toBe(404);
    assertNothingLeaks(missing.text);
    const invalid = await call(`${gateway.url}/trpc/models.create`, { method: 'POST', key: gateway.adminKey, body: JSON.stringify({ object: { kind: 'Model' } }) });
    expect(invalid.status).toBe(400);
    assertNothingLeaks(invalid.text);
    const forbidden = await call(`${gateway.url}/trpc/system.info`, { key: gateway.invokeKey });
    expect(forbidden.status).toBe(403);
    assertNothingLeaks(forbidden.text);
    const unknown = await call(`${gateway.url}/trpc/no.such.procedure`, { key: gateway.adminKey });
    expect(unknown.status).toBe(404);
    assertNothingLeaks(unknown.text);
  });

  it('REST and /v1 errors carry no stack and no path', async () => {
    const rest = await call(`${gateway.url}/api/v1/decisions/nope`, { key: gateway.adminKey });
    expect(rest.status).toBe(404);
    assertNothingLeaks(rest.text);
    const v1 = await call(`${gateway.url}/v1/chat/completions`, { method: 'POST', key: gateway.invokeKey, body: '{"model": ' });
    expect(v1.status).toBe(400);
    assertNothingLeaks(v1.text);
  });
});

describe('error bodies with GROVE_DEV_ERRORS=true', () => {
  let gateway: GatewayHarness;
  beforeAll(async () => {
    gateway = await startGateway({ env: { GROVE_DEV_ERRORS: 'true' } });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('tRPC errors carry the stack, for development', async () => {
    const anonymous = await call(`${gateway.url}/trpc/system.info`);
    expect(anonymous.status).toBe(401);
    const body = JSON.parse(anonymous.text) as { error: { data: { stack?: string } } };
    expect(body.error.data.stack).toMatch(/TRPCError/);
  });
});

describe.each(testDrivers)('a failed database on %s', (driver) => {
  let gateway: GatewayHarness;
  const logLines: string[] = [];
  beforeAll(async () => {
    gateway = await startGateway({ driver });
    // the server's own logger, writing where the test can read what operators would
    gateway.services.logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }));
    // the database goes away under a running server: every query now fails in the driver
    await gateway.services.database.close();
  });
  afterAll(async () => {
    // the handle is closed already: closing it again may fail, which is not what is tested here
    await gateway?.close().catch(() => {});
  });

  const databaseDetails = (text: string) => {
    expect(text).not.toMatch(/select|insert|from "|Failed query|params:/i);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|:5432|\b5432\b/);
    expect(text).not.toMatch(/CONNECTION_|PGlite|postgres/i);
    assertNothingLeaks(text);
  };

  it('answers tRPC with 503 SERVICE_UNAVAILABLE "database unavailable"', async () => {
    const response = await fetch(`${gateway.url}/trpc/decisions.list`, { headers: { authorization: `Bearer ${gateway.adminKey}`, 'x-request-id': 'db-down-1' } });
    const text = await response.text();
    expect(response.status, text).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ error: { message: 'database unavailable', data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } } });
    databaseDetails(text);
    // the detail is for operators: in the server log, with the request id
    const logged = logLines.find((line) => line.includes('"requestId":"db-down-1"'));
    expect(logged).toMatch(/database unavailable/);
    expect(logged).toMatch(/request_log/);
  });

  it('answers a tRPC write with the same 503', async () => {
    const response = await call(`${gateway.url}/trpc/keys.create`, { method: 'POST', key: gateway.adminKey, body: JSON.stringify({ name: 'late', scopes: ['invoke'] }) });
    expect(response.status, response.text).toBe(503);
    expect(JSON.parse(response.text)).toMatchObject({ error: { message: 'database unavailable' } });
    databaseDetails(response.text);
  });

  it('answers REST with 503 problem JSON "database unavailable"', async () => {
    const response = await call(`${gateway.url}/api/v1/decisions`, { key: gateway.adminKey });
    expect(response.status, response.text).toBe(503);
    expect(JSON.parse(response.text)).toMatchObject({ status: 503, title: 'SERVICE_UNAVAILABLE', detail: 'database unavailable' });
    databaseDetails(response.text);
  });
});
