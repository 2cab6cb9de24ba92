import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroveClient, type AppRouter, type GatewayStreamEvent } from '../../server/client';
import { startFakeAnthropic, type FakeUpstream } from '../fakes';
import { gatewayModel, hello, startGateway, type GatewayHarness } from '../support/gateway';

/**
 * The typed gateway as an internal TypeScript service uses it: createGroveClient over HTTP for the
 * mutation and over ws for the stream, from outside the server (only the exported factory).
 */
describe('tRPC gateway through createGroveClient', () => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  let grove: ReturnType<typeof createGroveClient>;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    gateway = await startGateway({ objects: [gatewayModel('rpc-claude', 'anthropic', fake.url, { aliases: ['claude'] })] });
    grove = createGroveClient({ url: `${gateway.url}/`, apiKey: gateway.invokeKey });
  });
  afterAll(async () => {
    grove?.close();
    await gateway?.close();
    await fake?.close();
  });

  it('completes through the mutation, with the model, decision, attempts and cost', async () => {
    const { completion, grove: meta } = await grove.gateway.complete.mutate({ model: 'claude', messages: hello });
    expect(completion.choices[0]!.message.content).toBe('Hello! How can I help you today?');
    expect(completion.model).toBe('rpc-claude');
    const usage = completion.usage!;
    expect(usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 12 });
    expect(meta).toMatchObject({ model: 'rpc-claude', decisionId: completion.id, rule: null });
    expect(meta.attempts).toEqual([expect.objectContaining({ modelId: 'rpc-claude', outcome: 'ok' })]);
    expect(meta.costUsd).toBeCloseTo((21 * 2 + 12 * 8) / 1_000_000, 12);
  });

  it('the same through createCaller', async () => {
    const { grove: meta } = await gateway.grove.callerFor(gateway.invokeKey).gateway.complete({ model: 'rpc-claude', messages: hello });
    expect(meta.model).toBe('rpc-claude');
    expect(meta.costUsd).toBeGreaterThan(0);
  });

  it('streams over ws: start, deltas, then done with the cost', async () => {
    fake.setBehavior({ chunkDelayMs: 5 });
    const events: GatewayStreamEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = grove.gateway.stream.subscribe(
        { model: 'rpc-claude', messages: hello },
        {
          onData: (event) => {
            events.push(event);
            if (event.type === 'done') {
              subscription.unsubscribe();
              resolve();
            }
          },
          onError: reject,
          onComplete: resolve,
        },
      );
    });
    fake.setBehavior({});
    expect(events[0]).toMatchObject({ type: 'start', model: 'rpc-claude', attempts: 1, id: expect.stringMatching(/^chatcmpl-/) });
    const text = events.flatMap((event) => (event.type === 'text' ? [event.text] : [])).join('');
    expect(text).toBe('Hello!');
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', usage: { promptTokens: 25, completionTokens: 15 } });
    expect((done as { costUsd: number }).costUsd).toBeCloseTo((25 * 2 + 15 * 8) / 1_000_000, 12);
  });

  it('closes the upstream connection when the subscriber unsubscribes mid-stream', async () => {
    fake.setBehavior({ chunkDelayMs: 300 });
    const aborted = fake.abortedRequests;
    await new Promise<void>((resolve, reject) => {
      const subscription = grove.gateway.stream.subscribe(
        { model: 'rpc-claude', messages: hello },
        {
          onData: (event) => {
            if (event.type === 'text') {
              subscription.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    await fake.waitForAbort(aborted + 1, 3_000);
    fake.setBehavior({});
  });

  it('reports a mid-stream failure as an error event', async () => {
    fake.setBehavior({ midStreamError: true });
    const events: GatewayStreamEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      grove.gateway.stream.subscribe({ model: 'rpc-claude', messages: hello }, { onData: (event) => events.push(event), onError: reject, onComplete: resolve });
    });
    fake.setBehavior({});
    expect(events.at(-1)).toMatchObject({ type: 'error', kind: expect.any(String), status: expect.any(Number) });
  });

  it('rejects unknown models and bad keys with typed errors', async () => {
    const unknown = await grove.gateway.complete.mutate({ model: 'nope', messages: hello }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(TRPCClientError);
    expect((unknown as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    const invalid = await grove.gateway.complete.mutate({ model: 'rpc-claude', messages: [] }).catch((error: unknown) => error);
    expect((invalid as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    const unknownStream = await new Promise<unknown>((resolve) => {
      grove.gateway.stream.subscribe({ model: 'nope', messages: hello }, { onError: resolve, onComplete: () => resolve(undefined) });
    });
    expect((unknownStream as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
    const stranger = createGroveClient({ url: gateway.url, apiKey: 'grove_wrong' });
    const refused = await stranger.gateway.complete.mutate({ model: 'rpc-claude', messages: hello }).catch((error: unknown) => error);
    expect((refused as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    const streamError = await new Promise<unknown>((resolve) => {
      stranger.gateway.stream.subscribe({ model: 'rpc-claude', messages: hello }, { onError: resolve, onComplete: () => resolve(undefined) });
    });
    expect((streamError as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    stranger.close();
  });
});
