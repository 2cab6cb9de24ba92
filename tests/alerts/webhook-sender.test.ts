import { afterEach, describe, expect, it } from 'vitest';
import { WebhookSender, type WebhookOptions } from '../../server/alerts/webhook-sender';
import { createLogger } from '../../server/logger';
import { startFakeWebhook, type FakeWebhook } from '../fakes/fake-webhook';
import { waitFor } from '../support/wait-for';

const options: WebhookOptions = { timeoutMs: 300, attempts: 3, backoffMs: 20, maxBackoffMs: 1_000, maxQueue: 100, concurrency: 4 };

/** The sender's bounds, against a receiver on loopback: attempts, what is retried, the queue, the timeout. */
describe('WebhookSender', () => {
  let receiver: FakeWebhook;
  let sender: WebhookSender;
  afterEach(async () => {
    sender?.close();
    await receiver?.close();
  });

  const start = async (overrides: Partial<WebhookOptions> = {}) => {
    receiver = await startFakeWebhook();
    sender = new WebhookSender({ ...options, ...overrides }, createLogger('silent'));
  };

  it('gives up after its attempts, spacing them with a doubling wait', async () => {
    await start();
    receiver.setAnswer(503);
    sender.enqueue({ url: receiver.url, headers: {} }, { n: 1 });
    await waitFor(() => sender.stats.failed === 1, { what: 'the delivery to fail', timeoutMs: 3_000 });
    expect(receiver.received.map((post) => post.answer)).toEqual([503, 503, 503]);
    const [first, second, third] = receiver.received.map((post) => post.at);
    expect(second! - first!).toBeGreaterThanOrEqual(18);
    expect(third! - second!).toBeGreaterThanOrEqual(38);
    expect(sender.stats).toMatchObject({ delivered: 0, retries: 2, failed: 1, queued: 0 });
  });

  it('does not retry an answer that retrying cannot change', async () => {
    await start();
    receiver.setAnswer(404);
    sender.enqueue({ url: receiver.url, headers: {} }, { n: 1 });
    await waitFor(() => sender.stats.failed === 1, { what: 'the delivery to fail' });
    expect(receiver.received).toHaveLength(1);
    // 429 and 408 are worth another try
    receiver.queueAnswers(429, 408);
    receiver.setAnswer(200);
    sender.enqueue({ url: receiver.url, headers: {} }, { n: 2 });
    await waitFor(() => sender.stats.delivered === 1, { what: 'the delivery' });
    expect(receiver.received.slice(1).map((post) => post.answer)).toEqual([429, 408, 200]);
  });

  it('abandons a POST that gets no answer within the timeout, and tries again', async () => {
    await start();
    receiver.queueAnswers('hang');
    const started = Date.now();
    sender.enqueue({ url: receiver.url, headers: {} }, { n: 1 });
    await waitFor(() => sender.stats.delivered === 1, { what: 'the delivery' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(receiver.received.map((post) => post.answer)).toEqual(['hang', 200]);
  });

  it('holds at most maxQueue deliveries, dropping the oldest, with concurrency POSTs in flight', async () => {
    await start({ maxQueue: 3, concurrency: 2, timeoutMs: 5_000 });
    receiver.setAnswer('hang');
    for (let n = 1; n <= 7; n++) sender.enqueue({ url: receiver.url, headers: {} }, { n });
    await waitFor(() => receiver.hanging === 2, { what: 'two POSTs in flight' });
    // 2 in flight, 3 waiting, the 2 oldest of the waiting dropped
    expect(sender.stats).toMatchObject({ queued: 3, dropped: 2 });
    expect(receiver.received.map((post) => (post.body as { n: number }).n)).toEqual([1, 2]);
  });

  it('sends once and reports the outcome, without retrying', async () => {
    await start();
    receiver.setAnswer(500);
    expect(await sender.send({ url: receiver.url, headers: { 'X-Token': 'abc' } }, { sample: true })).toMatchObject({ delivered: false, status: 500, error: 'answered 500', retryable: true });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['x-token']).toBe('abc');
  });

  it('follows no redirect: the rule’s headers stay with the URL it names', async () => {
    await start();
    receiver.setAnswer(302);
    expect(await sender.send({ url: receiver.url, headers: {} }, {})).toMatchObject({ delivered: false, status: 302, retryable: false });
    expect(receiver.received).toHaveLength(1);
  });
});
