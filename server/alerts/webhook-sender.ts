import type { Logger } from '../logger';

export interface WebhookTarget {
  url: string;
  /** the rule's headers, resolved (secrets decrypted) */
  headers: Record<string, string>;
}

export interface WebhookOptions {
  /** one POST may take this long before it is abandoned (and retried) */
  timeoutMs: number;
  /** tries per delivery, the first included */
  attempts: number;
  /** the wait before the first retry, doubled for each next one, up to maxBackoffMs */
  backoffMs: number;
  maxBackoffMs: number;
  /** deliveries waiting (to start, or to be retried); past it, the oldest is dropped and counted */
  maxQueue: number;
  /** POSTs in flight at once */
  concurrency: number;
}

export interface WebhookOutcome {
  delivered: boolean;
  /** the target's status; null when no answer came */
  status: number | null;
  error: string | null;
  durationMs: number;
  /** worth trying again: no answer, a 5xx, 408 or 429 (another 4xx will not change by itself) */
  retryable: boolean;
}

export interface WebhookStats {
  queued: number;
  delivered: number;
  /** gave up: out of attempts, or answered with a 4xx that retrying cannot fix */
  failed: number;
  dropped: number;
  retries: number;
}

interface Delivery {
  target: WebhookTarget;
  body: string;
  attempt: number;
  notBefore: number;
}

/**
 * Alert webhooks, off the data plane: `enqueue` only appends to a bounded queue and returns. At
 * most `concurrency` POSTs are in flight; a delivery waiting for its retry gives its place up, so
 * a target that hangs or refuses holds up neither the requests being served (they never wait on
 * a webhook) nor the other targets for longer than one timeout.
 */
export class WebhookSender {
  private readonly waiting: Delivery[] = [];
  private active = 0;
  private wake: NodeJS.Timeout | undefined;
  private closed = false;
  private lastDropLog = Number.NEGATIVE_INFINITY;
  readonly stats: WebhookStats = { queued: 0, delivered: 0, failed: 0, dropped: 0, retries: 0 };

  constructor(
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
    private readonly userAgent = 'grove',
  ) {}

  enqueue(target: WebhookTarget, payload: unknown): void {
    if (this.closed) return;
    this.push({ target, body: JSON.stringify(payload), attempt: 0, notBefore: 0 });
    this.pump();
  }

  /** One POST, no retry: what `alerts.testWebhook` reports. */
  send(target: WebhookTarget, payload: unknown): Promise<WebhookOutcome> {
    return this.post(target, JSON.stringify(payload));
  }

  /** Stops retrying; what is in flight ends within its timeout. */
  close(): void {
    this.closed = true;
    clearTimeout(this.wake);
    this.stats.dropped += this.waiting.length;
    this.waiting.length = 0;
    this.stats.queued = 0;
  }

  private push(delivery: Delivery): void {
    if (this.waiting.length >= this.options.maxQueue) {
      const dropped = this.waiting.shift()!;
      this.stats.dropped += 1;
      const now = Date.now();
      if (now - this.lastDropLog >= 10_000) {
        this.lastDropLog = now;
        this.logger.warn({ url: dropped.target.url, dropped: this.stats.dropped, maxQueue: this.options.maxQueue }, 'alert webhook queue full: oldest delivery dropped');
      }
    }
    this.waiting.push(delivery);
    this.stats.queued = this.waiting.length;
  }

  private pump(): void {
    const now = Date.now();
    while (this.active < this.options.concurrency) {
      const index = this.waiting.findIndex((delivery) => delivery.notBefore <= now);
      if (index < 0) break;
      const [delivery] = this.waiting.splice(index, 1);
      this.active += 1;
      void this.attempt(delivery!).finally(() => {
        this.active -= 1;
        this.pump();
      });
    }
    this.stats.queued = this.waiting.length;
    this.scheduleWake(now);
  }

  /** A timer for the next retry that is due, so that a quiet queue still gets retried. */
  private scheduleWake(now: number): void {
    clearTimeout(this.wake);
    this.wake = undefined;
    if (this.closed || this.waiting.length === 0 || this.active >= this.options.concurrency) return;
    const next = Math.min(...this.waiting.map((delivery) => delivery.notBefore));
    this.wake = setTimeout(() => this.pump(), Math.max(0, next - now));
    this.wake.unref();
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const outcome = await this.post(delivery.target, delivery.body);
    delivery.attempt += 1;
    if (outcome.delivered) {
      this.stats.delivered += 1;
      return;
    }
    if (!outcome.retryable || delivery.attempt >= this.options.attempts || this.closed) {
      this.stats.failed += 1;
      this.logger.warn({ url: delivery.target.url, attempts: delivery.attempt, status: outcome.status, error: outcome.error }, 'alert webhook not delivered');
      return;
    }
    this.stats.retries += 1;
    delivery.notBefore = Date.now() + Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** (delivery.attempt - 1));
    this.push(delivery);
  }

  private async post(target: WebhookTarget, body: string): Promise<WebhookOutcome> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json', 'user-agent': this.userAgent },
        body,
        // a redirect would carry the rule's secret headers to a host nobody configured
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // the body is not read: only the status matters, and a target may send a large one
      await response.body?.cancel().catch(() => {});
      const delivered = response.status >= 200 && response.status < 300;
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return { delivered, status: response.status, error: delivered ? null : `answered ${response.status}`, durationMs: took(), retryable };
    } catch (error) {
      return { delivered: false, status: null, error: describe(error, this.options.timeoutMs), durationMs: took(), retryable: true };
    }
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
