import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../server/auth/keys';
import { EventBus, type RequestCompleted } from '../../server/events';
import { Gateway } from '../../server/gateway/gateway';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel, hello } from '../support/gateway';
import { startTestServices, type TestServices } from '../support/services';

/**
 * An opened stream's deltas, however the consumer leaves them: read to the end, or given up before
 * or after the first batch. Each way the upstream is closed or finished, and the request is logged
 * exactly once.
 */
describe('stream accounting', () => {
  let grove: TestServices;
  let fake: FakeUpstream;
  let gateway: Gateway;
  let principal: Principal;
  const completed: RequestCompleted[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    grove = await startTestServices();
    await grove.services.registry.apply('test', [gatewayModel('acct-model', 'openai-compatible', fake.url)]);
    const events = new EventBus();
    events.on((event) => {
      if (event.type === 'request.completed') completed.push(event);
    });
    gateway = new Gateway(grove.services.registry, events, { deadlineMs: 10_000, defaultRateLimitPerMinute: 1_000 });
    principal = grove.services.keys.authenticate((await grove.services.keys.create({ name: 'acct', scopes: ['invoke'] })).key)!;
  });
  afterAll(async () => {
    await grove?.close();
    await fake?.close();
  });

  const open = () => gateway.stream({ body: { model: 'acct-model', messages: hello, stream: true }, principal, headers: {}, signal: new AbortController().signal });
  const logged = (id: string) => completed.filter((event) => event.id === id);

  it('read to the end: the summary carries usage and cost, and the request is logged once as ok', async () => {
    fake.setBehavior({});
    const answer = await open();
    let step = await answer.deltas.next();
    let batches = 0;
    while (!step.done) {
      batches += 1;
      step = await answer.deltas.next();
    }
    expect(batches).toBeGreaterThan(0);
    expect(step.value.usage?.completionTokens).toBeGreaterThan(0);
    expect(step.value.costUsd).toBeGreaterThan(0);
    expect(await answer.deltas.next()).toEqual({ done: true, value: undefined });
    await answer.deltas.return({ costUsd: 0 });
    expect(logged(answer.id)).toMatchObject([{ outcome: 'ok', stream: true, completionTokens: step.value.usage!.completionTokens }]);
  });

  it('given up before its first batch was read: the upstream is closed and the request logged once', async () => {
    fake.setBehavior({ chunkDelayMs: 300 });
    const aborted = fake.abortedRequests;
    const answer = await open();
    expect(await answer.deltas.return({ costUsd: 0 })).toEqual({ done: true, value: { costUsd: 0 } });
    await fake.waitForAbort(aborted + 1, 3_000);
    expect(await answer.deltas.next()).toEqual({ done: true, value: undefined });
    expect(logged(answer.id)).toMatchObject([{ outcome: 'ok', stream: true }]);
    fake.setBehavior({});
  });

  it('given up after its first batch: the upstream is closed and the request logged once', async () => {
    fake.setBehavior({ chunkDelayMs: 300 });
    const aborted = fake.abortedRequests;
    const answer = await open();
    const first = await answer.deltas.next();
    expect(first.done).toBe(false);
    await answer.deltas.return({ costUsd: 0 });
    await fake.waitForAbort(aborted + 1, 3_000);
    await answer.deltas.return({ costUsd: 0 });
    expect(logged(answer.id)).toHaveLength(1);
    fake.setBehavior({});
  });
});
