import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { startTestServices, type TestServices } from '../support/services';
import { expectTrpcError, paths } from './fixtures';

const KEY = 'sk-test-connection-9f8e7d6c5b4a3210';

/** A loopback port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(testDrivers)('models.testConnection on %s', (driver) => {
  let grove: TestServices;
  let openai: FakeUpstream;
  let anthropic: FakeUpstream;
  let gemini: FakeUpstream;
  beforeAll(async () => {
    [grove, openai, anthropic, gemini] = await Promise.all([
      startTestServices({ driver, env: { WIZARD_TEST_KEY: KEY } }),
      startFakeOpenAI(),
      startFakeAnthropic(),
      startFakeGemini(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([grove?.close(), openai?.close(), anthropic?.close(), gemini?.close()]);
  });
  beforeEach(() => {
    for (const fake of [openai, anthropic, gemini]) fake.reset();
  });

  const draft = (overrides: Record<string, unknown> = {}) => ({ provider: 'openai-compatible' as const, model: 'gpt-4o-mini', baseUrl: openai.url, apiKey: { value: KEY }, ...overrides });

  it('answers with the request it sent, key redacted, the reply and the latency', async () => {
    const result = await grove.admin.models.testConnection(draft());
    expect(result.ok).toBe(true);
    expect(result.problem).toBeNull();
    expect(result.answer?.text).toEqual(expect.any(String));
    expect(result.answer?.usage.promptTokens).toBeGreaterThan(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.request).toMatchObject({ method: 'POST', url: `${openai.url}/chat/completions`, headers: { authorization: 'Bearer [redacted]' } });
    expect(JSON.parse(result.request!.body)).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 16 });
    expect(JSON.stringify(result)).not.toContain(KEY);
    // the fake received the real key: only what is shown is redacted
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('reads a key given as an environment variable of the server', async () => {
    const result = await grove.admin.models.testConnection(draft({ apiKey: { env: 'WIZARD_TEST_KEY' } }));
    expect(result.ok).toBe(true);
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('says when the named environment variable is not set, without calling', async () => {
    const result = await grove.admin.models.testConnection(draft({ apiKey: { env: 'NOT_SET_ANYWHERE' } }));
    expect(result.problem).toMatchObject({ kind: 'no_key' });
    expect(result.problem?.hint).toContain('NOT_SET_ANYWHERE');
    expect(openai.requests).toHaveLength(0);
  });

  it('works for Anthropic and Gemini through their own adapters', async () => {
    const claude = await grove.admin.models.testConnection({ provider: 'anthropic', model: 'claude-sonnet-4-5', baseUrl: anthropic.url, apiKey: { value: KEY } });
    expect(claude.ok).toBe(true);
    expect(claude.request).toMatchObject({ url: `${anthropic.url}/v1/messages`, headers: { 'x-api-key': '[redacted]', 'anthropic-version': '2023-06-01' } });
    const flash = await grove.admin.models.testConnection({ provider: 'gemini', model: 'gemini-2.5-flash', baseUrl: gemini.url, apiKey: { value: KEY } });
    expect(flash.ok).toBe(true);
    expect(flash.request).toMatchObject({ url: `${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`, headers: { 'x-goog-api-key': '[redacted]' } });
    expect(JSON.stringify([claude, flash])).not.toContain(KEY);
  });

  it('sorts a dead port into network', async () => {
    const result = await grove.admin.models.testConnection(draft({ baseUrl: `http://127.0.0.1:${await deadPort()}/v1` }));
    expect(result.ok).toBe(false);
    expect(result.problem).toMatchObject({ kind: 'network', upstreamStatus: null });
    expect(result.problem?.hint).toMatch(/host and port/);
  });

  it('sorts a refused key into auth, never echoing the key', async () => {
    openai.setBehavior({ status: 401, errorBody: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } } });
    const result = await grove.admin.models.testConnection(draft());
    expect(result.problem).toMatchObject({ kind: 'auth', upstreamStatus: 401 });
    expect(result.problem?.message).toContain('Incorrect API key provided');
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('sorts an unknown model into not found, with a hint about the name and the endpoint', async () => {
    openai.setBehavior({ status: 404 });
    const result = await grove.admin.models.testConnection(draft({ model: 'gpt-nonexistent' }));
    expect(result.problem).toMatchObject({ kind: 'not_found', upstreamStatus: 404 });
    expect(result.problem?.hint).toMatch(/model name/);
  });

  it('sorts a 429 into rate limit', async () => {
    openai.setBehavior({ status: 429, retryAfter: '20' });
    const result = await grove.admin.models.testConnection(draft());
    expect(result.problem).toMatchObject({ kind: 'rate_limit', upstreamStatus: 429 });
  });

  it('sorts a garbage body, or JSON with no message, into wrong format', async () => {
    openai.setBehavior({ rawBody: '<html>not an API</html>' });
    expect((await grove.admin.models.testConnection(draft())).problem).toMatchObject({ kind: 'wrong_format' });
    openai.setBehavior({ json: { hello: 'world' } });
    expect((await grove.admin.models.testConnection(draft())).problem).toMatchObject({ kind: 'wrong_format', upstreamStatus: 200 });
  });

  it('sorts an upstream that never answers into timeout, within the bound', async () => {
    openai.setBehavior({ hang: true });
    const startedAt = Date.now();
    const result = await grove.admin.models.testConnection(draft({ timeoutMs: 300 }));
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(result.problem).toMatchObject({ kind: 'timeout' });
  });

  it('sorts a body that trickles past the bound into timeout too', async () => {
    openai.setBehavior({ latencyMs: 2_000 });
    const result = await grove.admin.models.testConnection(draft({ timeoutMs: 250 }));
    expect(result.problem?.kind).toBe('timeout');
  });

  it('tests a simulated model in-process, with no request to show', async () => {
    const result = await grove.admin.models.testConnection({ provider: 'simulated', model: 'sim' });
    expect(result).toMatchObject({ ok: true, request: null });
  });

  it('refuses a malformed draft with problems at their paths', async () => {
    const problems = await expectTrpcError(grove.admin.models.testConnection({ provider: 'nope', model: '', baseUrl: 'ftp://x', apiKey: { env: 'has space' }, extra: 1 } as never), 'BAD_REQUEST');
    // '' is the unknown key `extra`: refused, never dropped
    expect(paths(problems)).toEqual(['', 'apiKey.env', 'baseUrl', 'model', 'provider']);
  });

  it('is for admin keys only', async () => {
    const invoke = await grove.admin.keys.create({ name: 'invoker', scopes: ['invoke'] });
    await expectTrpcError(grove.callerFor(invoke.key).models.testConnection(draft()), 'FORBIDDEN');
    await expectTrpcError(grove.callerFor(undefined).models.testConnection(draft()), 'UNAUTHORIZED');
  });
});
