import type { Principal } from '../auth/keys';
import type { Logger } from '../logger';
import type { Registry } from '../registry/registry';
import { DEMO_MAX_IN_FLIGHT, DEMO_TICK_MS, DEMO_TRAFFIC_KEY_ID, demoRequestAt, type DemoRequest } from './demo-traffic-plan';
import type { Gateway } from './gateway';

/**
 * The living demo: while Grove is in demo mode (no real model can serve), it sends itself gentle
 * traffic to the demo models through the real gateway path, so the console's charts, failovers
 * and the flaky model's circuit move on a fresh install. Every request is counted under the key id
 * `demo-traffic` (no real key has it) and goes only to demo models, so no real model's figure and
 * no real key's usage ever includes it; the console labels it as demo traffic. The moment a real
 * model can serve (a registry change ends demo mode), the timer stops and requests in flight are
 * aborted; it starts again if demo mode comes back.
 */
export class DemoTraffic {
  private timer: NodeJS.Timeout | null = null;
  private controller = new AbortController();
  private tick = 0;
  private inFlight = 0;
  private sent = 0;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly principal: Principal = { keyId: DEMO_TRAFFIC_KEY_ID, name: 'demo traffic', scopes: ['invoke'], rateLimitPerMinute: null };

  constructor(
    private readonly registry: Registry,
    private readonly gateway: Gateway,
    private readonly logger: Logger,
    private readonly options: { tickMs?: number; random?: () => number } = {},
  ) {
    this.unsubscribe = registry.onChange(() => this.follow());
    this.follow();
  }

  /** Whether the demo is sending now; `sent` counts requests sent since start. */
  status(): { running: boolean; sent: number } {
    return { running: this.timer !== null, sent: this.sent };
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.stop();
  }

  /** Starts or stops with demo mode. */
  private follow(): void {
    const demoMode = !this.closed && this.gateway.demoStatus().demoMode;
    if (demoMode && !this.timer) {
      this.controller = new AbortController();
      this.timer = setInterval(() => this.step(), this.options.tickMs ?? DEMO_TICK_MS);
      this.timer.unref();
      this.logger.info('demo traffic: sending gentle background requests to the demo models (GROVE_DEMO_TRAFFIC=off stops it)');
    } else if (!demoMode && this.timer) {
      this.stop();
      if (!this.closed) this.logger.info('demo traffic stopped: a real model can serve');
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.controller.abort();
  }

  private step(): void {
    // checked on every tick too: a model whose key arrives without a registry change is no event
    if (!this.gateway.demoStatus().demoMode) return this.follow();
    const request = demoRequestAt(this.tick++, this.options.random ?? Math.random);
    if (!request || this.inFlight >= DEMO_MAX_IN_FLIGHT) return;
    this.inFlight += 1;
    this.sent += 1;
    this.send(request, this.controller.signal)
      // the gateway recorded the failure already; a demo request has nobody to tell
      .catch(() => {})
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  private async send(request: DemoRequest, signal: AbortSignal): Promise<void> {
    const call = { body: { model: request.model, messages: [{ role: 'user' as const, content: request.prompt }], stream: request.stream }, principal: this.principal, headers: {}, signal };
    if (!request.stream) {
      await this.gateway.complete(call);
      return;
    }
    const answer = await this.gateway.stream(call);
    // drained like a client reading it, so time to first token and cost are those of a real stream
    for await (const _batch of answer.deltas) void _batch;
  }
}
