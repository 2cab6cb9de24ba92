import { Writable } from 'node:stream';
import { TRPCClientError } from '@trpc/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroveClient, type GatewayStreamEvent } from '../../server/client';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes';
import { echoCredential, type EchoFailure, type EchoProvider } from '../fakes/echo-credential';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, routingPolicy, startGateway, uniqueId, type GatewayHarness } from '../support/gateway';
import { waitFor } from '../support/wait-for';

/**
 * An upstream that quotes the operator's key back (in a 401 or 400 body, or in an error event in
 * the middle of a stream) must not hand it to an invoke-key client, over /v1 JSON and SSE and
 * tRPC, nor leave it in the decision log or the server log.
 */
const keys: Record<EchoProvider, string> = {
  // no credential shape at all (a vLLM token): only the model's own key can tell it
  'openai-compatible': 'vllm-token-4f1c9a7e2b8d',
  anthropic: 'sk-ant-api03-Q9xR2mT7vK4pL8nW3cY6hJ1bF5dS0gZa-AbCdEf12',
  gemini: 'AIzaSyD4x9Q2mR7tL1vK8pN3wC6yH0jF5bS2gZe',
};

const starters: Record<EchoProvider, () => Promise<FakeUpstream>> = {
  'openai-compatible': () => startFakeOpenAI(),
  anthropic: () => startFakeAnthropic(),
  gemini: () => startFakeGemini(),
};

const providers = Object.keys(keys) as EchoProvider[];

/** Neither the key nor any long part of it. */
function expectNoKey(text: string, key: string): void {
  expect(text).not.toContain(key);
  expect(text).not.toContain(key.slice(0, 12));
  expect(text).not.toContain(key.slice(-10));
}

describe.each(testDrivers)('provider keys in upstream errors, on %s', (driver) => {
  let gateway: GatewayHarness;
  let grove: ReturnType<typeof createGroveClient>;
  const fakes = {} as Record<EchoProvider, FakeUpstream>;
  const logLines: string[] = [];

  beforeAll(async () => {
    for (const provider of providers) fakes[provider] = await starters[provider]();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    // every level, so that whatever the server logs about a failure is read
    gateway = await startGateway({ driver, logger: pino({ level: 'trace' }, sink), objects: [routingPolicy({ default: { strategy: 'capability', chainLength: 1 } })] });
    grove = createGroveClient({ url: `${gateway.url}/`, apiKey: gateway.invokeKey });
  });
  afterAll(async () => {
    grove?.close();
    await gateway?.close();
    for (const fake of Object.values(fakes)) await fake.close();
  });

  /** A model of its own per call: no circuit state carries from one call to the next. */
  async function modelFor(provider: EchoProvider, failure: EchoFailure): Promise<string> {
    fakes[provider].setBehavior(echoCredential(provider, failure));
    const id = uniqueId(`echo-${provider}`);
    await gateway.apply(gatewayModel(id, provider, fakes[provider].url, { apiKey: { value: keys[provider] } }));
    return id;
  }

  /** The decision log rows of a model, each read whole (attempts included) as the REST API gives it. */
  async function loggedRows(model: string): Promise<string> {
    // the list shows what is written: the writer's batch first
    await waitFor(() => gateway.services.requestLog.stats().buffered === 0, { what: 'the request log written' });
    // these requests failed: nothing served them, and the model filter finds them by their attempts
    const { items } = await gateway.grove.admin.decisions.list({ model, limit: 1000 });
    expect(items.length).toBeGreaterThan(0);
    const rows = await Promise.all(
      items.map(async (item) => {
        const response = await fetch(`${gateway.url}/api/v1/decisions/${String(item.id)}`, { headers: { authorization: `Bearer ${gateway.adminKey}` } });
        expect(response.status).toBe(200);
        return response.text();
      }),
    );
    return rows.join('\n');
  }

  function subscribe(model: string): Promise<{ events: GatewayStreamEvent[]; error?: unknown }> {
    const events: GatewayStreamEvent[] = [];
    return new Promise((resolve) => {
      const subscription = grove.gateway.stream.subscribe(
        { model, messages: hello },
        {
          onData: (event) => {
            events.push(event);
            if (event.type === 'done' || event.type === 'error') {
              subscription.unsubscribe();
              resolve({ events });
            }
          },
          onError: (error) => resolve({ events, error }),
          onComplete: () => resolve({ events }),
        },
      );
    });
  }

  function clientError(error: unknown): string {
    expect(error).toBeInstanceOf(TRPCClientError);
    const trpcError = error as TRPCClientError<never>;
    return JSON.stringify({ message: trpcError.message, data: trpcError.data, shape: trpcError.shape });
  }

  describe.each(providers)('%s', (provider) => {
    const key = keys[provider];

    it.each<EchoFailure>(['unauthorized', 'bad-request'])('%s: /v1 JSON and SSE, tRPC complete and stream, the decision log', async (failure) => {
      const status = failure === 'unauthorized' ? 502 : 400;
      const checked: string[] = [];
      for (const stream of [false, true]) {
        const model = await modelFor(provider, failure);
        const answer = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello, stream });
        expect(answer.status).toBe(status);
        expect(answer.json.error.message).toContain('[redacted]');
        checked.push(answer.text, await loggedRows(model));
      }

      const completeModel = await modelFor(provider, failure);
      const completeError = await grove.gateway.complete.mutate({ model: completeModel, messages: hello }).then(
        () => undefined,
        (error: unknown) => error,
      );
      const completeText = clientError(completeError);
      expect(completeText).toContain('[redacted]');
      checked.push(completeText, await loggedRows(completeModel));

      const streamModel = await modelFor(provider, failure);
      const subscribed = await subscribe(streamModel);
      const streamText = clientError(subscribed.error);
      expect(streamText).toContain('[redacted]');
      checked.push(streamText, await loggedRows(streamModel));

      for (const text of checked) expectNoKey(text, key);
      expect(fakes[provider].requests.length).toBeGreaterThan(0);
    });

    it('mid-stream: the /v1 SSE error event, the tRPC stream error event, the decision log', async () => {
      const sseModel = await modelFor(provider, 'mid-stream');
      const answer = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: sseModel, messages: hello, stream: true });
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/"error":\{"message":"[^"]*\[redacted\]/);

      const streamModel = await modelFor(provider, 'mid-stream');
      const { events, error } = await subscribe(streamModel);
      expect(error).toBeUndefined();
      const failed = events.at(-1);
      expect(failed).toMatchObject({ type: 'error', message: expect.stringContaining('[redacted]') });

      for (const text of [answer.text, JSON.stringify(events), await loggedRows(sseModel), await loggedRows(streamModel)]) expectNoKey(text, key);
    });
  });

  it('the server log never held a key', async () => {
    gateway.services.logger.flush();
    expect(logLines.length).toBeGreaterThan(0);
    for (const key of Object.values(keys)) expectNoKey(logLines.join(''), key);
  });
});
