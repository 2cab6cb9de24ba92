import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroveClient, type AppRouter } from '../../server/client';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness } from '../support/gateway';

/**
 * A request no model can ever serve is the client's error (400 naming the limit), not a 503 that
 * SDKs retry; `n` is bounded; a tRPC 429 tells how long to wait, as /v1's retry-after does.
 */
describe.each(testDrivers)('impossible requests, on %s', (driver) => {
  let gateway: GatewayHarness;
  let grove: ReturnType<typeof createGroveClient>;
  let completions: string;

  beforeAll(async () => {
    gateway = await startGateway({
      driver,
      objects: [
        // the better model by capability has the smaller limits: auto prefers it when it can serve
        gatewayModel('limit-small', 'simulated', undefined, { maxOutputTokens: 8_000, contextWindow: 32_000, capabilities: { reasoning: 90, creativity: 90, precision: 90, speed: 90, context: 90 }, fallbacks: ['limit-large'] }),
        gatewayModel('limit-large', 'simulated', undefined, { maxOutputTokens: 64_000, contextWindow: 200_000 }),
      ],
    });
    grove = createGroveClient({ url: `${gateway.url}/`, apiKey: gateway.invokeKey });
    completions = `${gateway.url}/v1/chat/completions`;
  });
  afterAll(async () => {
    grove?.close();
    await gateway?.close();
  });

  async function trpcError(input: Record<string, unknown>): Promise<TRPCClientError<AppRouter>> {
    const error = await grove.gateway.complete.mutate({ model: 'auto', messages: hello, ...input }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    return error as TRPCClientError<AppRouter>;
  }

  const longPrompt = [{ role: 'user' as const, content: 'lorem ipsum '.repeat(100_000) }];

  it.each([
    ['max_tokens over every maxOutputTokens', { model: 'auto', max_tokens: 500_000 }, 'max_tokens', "max_tokens 500000 exceeds every model's maxOutputTokens (largest: 64000)"],
    ['a prompt over every context window', { model: 'auto', messages: longPrompt }, 'messages', "more than every model's context window (largest: 200000)"],
    ['max_tokens over the named model’s maxOutputTokens, though its fallback could', { model: 'limit-small', max_tokens: 10_000 }, 'max_tokens', 'max_tokens 10000 exceeds the maxOutputTokens of limit-small (8000)'],
  ])('%s: 400 naming the limit, on /v1 (JSON and stream) and tRPC', async (_name, input, param, message) => {
    for (const stream of [false, true]) {
      const answer = await postJson(completions, gateway.invokeKey, { messages: hello, ...input, stream });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({ type: 'invalid_request_error', param, message: expect.stringContaining(message) });
      expect(answer.headers.get('retry-after')).toBeNull();
    }
    const error = await trpcError(input);
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(message);
  });

  it('auto skips a model whose maxOutputTokens is below max_tokens', async () => {
    const preferred = await postJson(completions, gateway.invokeKey, { model: 'auto', messages: hello, max_tokens: 5 });
    expect(preferred.headers.get('x-grove-model')).toBe('limit-small');
    const answer = await postJson(completions, gateway.invokeKey, { model: 'auto', messages: hello, max_tokens: 10_000 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-grove-model')).toBe('limit-large');
  });

  it('n over 1 is a 400 naming n, on /v1 and tRPC; n: 1 is served', async () => {
    const answer = await postJson(completions, gateway.invokeKey, { model: 'auto', messages: hello, n: 2 });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ type: 'invalid_request_error', param: 'n', message: expect.stringContaining('only n: 1 is supported') });
    const error = await trpcError({ n: 2 });
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(error.data)).toContain('"n"');
    expect((await postJson(completions, gateway.invokeKey, { model: 'auto', messages: hello, n: 1, max_tokens: 5 })).status).toBe(200);
  });

  it('a tRPC 429 carries its retry delay, as /v1 sends retry-after', async () => {
    const key = await gateway.createKey({ scopes: ['invoke'], rateLimitPerMinute: 1 });
    const limited = createGroveClient({ url: `${gateway.url}/`, apiKey: key });
    try {
      await limited.gateway.complete.mutate({ model: 'auto', messages: hello, max_tokens: 5 });
      const error = await limited.gateway.complete.mutate({ model: 'auto', messages: hello, max_tokens: 5 }).then(
        () => undefined,
        (thrown: unknown) => thrown as TRPCClientError<AppRouter>,
      );
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(error!.data?.code).toBe('TOO_MANY_REQUESTS');
      const retryAfterSeconds = error!.data?.retryAfterSeconds;
      expect(retryAfterSeconds).toBeGreaterThan(0);
      expect(retryAfterSeconds).toBeLessThanOrEqual(60);

      const answer = await postJson(completions, key, { model: 'auto', messages: hello, max_tokens: 5 });
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      limited.close();
    }
  });
});
