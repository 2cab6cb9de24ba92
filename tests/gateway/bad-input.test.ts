import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';
import { waitFor } from '../support/wait-for';

/**
 * A client's mistakes on /v1: each an OpenAI error object with the right status, never a 500, and
 * the server keeps serving. The body limit is set small so that "oversized" is cheap to send.
 */
const BODY_LIMIT = 4096;

describe('bad input on /v1', () => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  let completions: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    gateway = await startGateway({
      env: { GROVE_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
      objects: [
        gatewayModel('bad-live', 'openai-compatible', fake.url),
        gatewayModel('bad-draft', 'openai-compatible', fake.url, { lifecycle: 'draft' }),
        gatewayModel('bad-new', 'openai-compatible', fake.url, { aliases: ['bad-new-alias'] }),
        gatewayModel('bad-old', 'openai-compatible', fake.url, { lifecycle: 'retired', replacement: 'bad-new' }),
      ],
    });
    completions = `${gateway.url}/v1/chat/completions`;
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  const expectOpenAIError = (response: { status: number; json: LooseJson }, status: number, code?: string | null, param?: string | null) => {
    expect(response.status, JSON.stringify(response.json)).toBe(status);
    expect(Object.keys(response.json)).toEqual(['error']);
    const { error } = response.json;
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(typeof error.message === 'string' && error.message.length > 5).toBe(true);
    expect(typeof error.type).toBe('string');
    if (code !== undefined) expect(error.code).toBe(code);
    if (param !== undefined) expect(error.param).toBe(param);
  };

  it.each([
    ['malformed JSON', '{"model": "bad-live", "messages": [', 'invalid_json', null],
    ['an empty body', '', 'invalid_json', null],
  ])('answers %s with 400', async (_name, body, code, param) => {
    expectOpenAIError(await postJson(completions, gateway.invokeKey, body), 400, code, param);
  });

  it.each([
    ['missing messages', { model: 'bad-live' }, 'messages'],
    ['empty messages', { model: 'bad-live', messages: [] }, 'messages'],
    ['a missing model', { messages: hello }, 'model'],
    ['a number as content', { model: 'bad-live', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    ['an unknown role', { model: 'bad-live', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
    ['a string temperature', { model: 'bad-live', messages: hello, temperature: 'hot' }, 'temperature'],
    ['a negative max_tokens', { model: 'bad-live', messages: hello, max_tokens: -1 }, 'max_tokens'],
    ['stream as a string', { model: 'bad-live', messages: hello, stream: 'yes' }, 'stream'],
  ])('answers %s with 400 naming the param', async (_name, body, param) => {
    const response = await postJson(completions, gateway.invokeKey, body);
    expectOpenAIError(response, 400, 'invalid_request', param);
    expect(response.json.error.type).toBe('invalid_request_error');
  });

  it('answers invalid routing requirements with 400 naming the header', async () => {
    const response = await postJson(completions, gateway.invokeKey, { model: 'bad-live', messages: hello }, { 'x-grove-max-price': 'cheap' });
    expectOpenAIError(response, 400, 'invalid_routing_requirements', 'x-grove-max-price');
    const body = await postJson(completions, gateway.invokeKey, { model: 'bad-live', messages: hello, grove: { weights: { speed: -1 } } });
    expectOpenAIError(body, 400, 'invalid_routing_requirements');
  });

  it('answers a body that is not JSON with 400 or 415', async () => {
    const send = async (contentType: string) => {
      const response = await fetch(completions, { method: 'POST', headers: { authorization: `Bearer ${gateway.invokeKey}`, 'content-type': contentType }, body: 'hello' });
      return { status: response.status, json: (await response.json()) as LooseJson };
    };
    expectOpenAIError(await send('application/xml'), 415, 'unsupported_media_type');
    expectOpenAIError(await send('text/plain'), 400, 'invalid_request');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const before = fake.requests.length;
    expectOpenAIError(await postJson(completions, gateway.invokeKey, { model: 'no-such-model', messages: hello }), 404, 'model_not_found', 'model');
    expectOpenAIError(await postJson(completions, gateway.invokeKey, { model: 'no-such-model', messages: hello, stream: true }), 404, 'model_not_found', 'model');
    const retrieve = await fetch(`${gateway.url}/v1/models/no-such-model`, { headers: { authorization: `Bearer ${gateway.invokeKey}` } });
    expect(retrieve.status).toBe(404);
    expect(fake.requests.length).toBe(before);
  });

  it('answers 503 no_eligible_model when no model meets the requirements, JSON and stream', async () => {
    for (const stream of [false, true]) {
      const response = await postJson(completions, gateway.invokeKey, { model: 'auto', messages: hello, stream, grove: { minimums: { reasoning: 100 } } });
      expectOpenAIError(response, 503, 'no_eligible_model');
      expect(response.json.error.message).toMatch(/bad-live: /);
    }
  });

  it('closes the upstream connection when the client disconnects while waiting for a JSON answer', async () => {
    fake.setBehavior({ hang: true });
    const aborted = fake.abortedRequests;
    const sent = fake.requests.length;
    const controller = new AbortController();
    const request = fetch(completions, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.invokeKey}` },
      body: JSON.stringify({ model: 'bad-live', messages: hello }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await waitFor(() => fake.requests.length > sent, { timeoutMs: 3000, what: 'the upstream request' });
    controller.abort();
    expect(await request).toBeInstanceOf(Error);
    await fake.waitForAbort(aborted + 1, 3000);
    fake.setBehavior({});
    expect(gateway.services.gateway.health.snapshot(Date.now())['bad-live']?.circuit ?? 'closed').toBe('closed');
  });

  it('answers an unknown /v1 URL with an OpenAI-style 404', async () => {
    const response = await postJson(`${gateway.url}/v1/embeddings`, gateway.invokeKey, { input: 'x' });
    expectOpenAIError(response, 404, 'unknown_url');
  });

  it('refuses a draft model to an invoke key and serves it to an admin key', async () => {
    const refused = await postJson(completions, gateway.invokeKey, { model: 'bad-draft', messages: hello });
    expectOpenAIError(refused, 403, 'model_not_allowed', 'model');
    const served = await postJson(completions, gateway.adminKey, { model: 'bad-draft', messages: hello });
    expect(served.status, served.text).toBe(200);
    expect(served.headers.get('x-grove-model')).toBe('bad-draft');
    const listed = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${gateway.invokeKey}` } });
    expect(((await listed.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id)).not.toContain('bad-draft');
  });

  it('serves a retired model by its replacement', async () => {
    const response = await postJson(completions, gateway.invokeKey, { model: 'bad-old', messages: hello });
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('x-grove-model')).toBe('bad-new');
    expect(response.json.model).toBe('bad-new');
    const byAlias = await postJson(completions, gateway.invokeKey, { model: 'bad-new-alias', messages: hello });
    expect(byAlias.headers.get('x-grove-model')).toBe('bad-new');
  });

  it('answers an oversized body with 413', async () => {
    const response = await postJson(completions, gateway.invokeKey, { model: 'bad-live', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT * 2) }] });
    expectOpenAIError(response, 413, 'request_too_large');
  });

  it('answers no key and a wrong key with 401, a key without scopes with 403', async () => {
    const none = await postJson(completions, undefined, { model: 'bad-live', messages: hello });
    expectOpenAIError(none, 401, 'invalid_api_key');
    expect(none.json.error.message).toMatch(/didn't provide an API key/);
    const wrong = await postJson(completions, 'grove_not_a_real_key', { model: 'bad-live', messages: hello });
    expectOpenAIError(wrong, 401, 'invalid_api_key');
    expect(wrong.json.error.message).toMatch(/Incorrect API key/);
    const models = await fetch(`${gateway.url}/v1/models`);
    expect(models.status).toBe(401);
    const scopeless = (await gateway.services.keys.create({ name: 'no scopes', scopes: [] })).key;
    expectOpenAIError(await postJson(completions, scopeless, { model: 'bad-live', messages: hello }), 403, 'insufficient_scope');
  });

  it('limits a key to its requests per minute: the 4th of 3 gets 429 with retry-after', async () => {
    const key = await gateway.createKey({ scopes: ['invoke'], rateLimitPerMinute: 3 });
    for (let index = 0; index < 3; index += 1) expect((await postJson(completions, key, { model: 'bad-live', messages: hello })).status).toBe(200);
    const limited = await postJson(completions, key, { model: 'bad-live', messages: hello });
    expectOpenAIError(limited, 429, 'rate_limit_exceeded');
    expect(limited.json.error.type).toBe('rate_limit_error');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    // other keys are not affected
    expect((await postJson(completions, gateway.invokeKey, { model: 'bad-live', messages: hello })).status).toBe(200);
  });

  it('closes the upstream connection when the client disconnects mid-stream', async () => {
    fake.setBehavior({ chunkDelayMs: 300 });
    const aborted = fake.abortedRequests;
    const controller = new AbortController();
    const response = await fetch(completions, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.invokeKey}` },
      body: JSON.stringify({ model: 'bad-live', messages: hello, stream: true }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('chat.completion.chunk');
    controller.abort();
    await fake.waitForAbort(aborted + 1, 3000);
    fake.setBehavior({});
    // the decision log records the request as aborted, not as the model's failure
    await gateway.services.requestLog.flush();
    const health = gateway.services.gateway.health.snapshot(Date.now())['bad-live'];
    expect(health?.circuit ?? 'closed').toBe('closed');
  });

  it('keeps serving after all of it', async () => {
    const response = await postJson(completions, gateway.invokeKey, { model: 'bad-live', messages: hello });
    expect(response.status).toBe(200);
    expect(response.json.choices[0].message.content).toBe('Hello! How can I assist you today?');
  });
});
