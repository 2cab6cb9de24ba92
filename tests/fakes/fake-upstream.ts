import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitSseEvents } from './fixtures';

/** What the fake does with the next requests. Everything is optional; {} answers with the golden. */
export interface FakeBehavior {
  /** Non-2xx answers with the provider's real error body for that status (or `errorBody`). */
  status?: number;
  errorBody?: unknown;
  /** `retry-after` response header (seconds or an HTTP date). */
  retryAfter?: string;
  headers?: Record<string, string>;
  /** Wait before sending the response headers. */
  latencyMs?: number;
  /** Wait between SSE events. */
  chunkDelayMs?: number;
  /** Replace the JSON answer (non-stream). */
  json?: unknown;
  /** Replace the JSON answer with these bytes as they are (e.g. broken JSON). */
  rawBody?: string;
  /** Replace the SSE answer (raw text, as on the wire). */
  sse?: string;
  /** End the stream with the provider's mid-stream error after its first events. */
  midStreamError?: boolean;
  /** Never answer. */
  hang?: boolean;
  /** Send this many SSE events, then go silent without ending. */
  hangAfterEvents?: number;
  /** Destroy the socket before the headers, or after the first SSE events. */
  reset?: 'before-headers' | 'mid-stream';
}

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type BehaviorSource = FakeBehavior | ((request: RecordedRequest) => FakeBehavior);

export interface FakeUpstream {
  /** Base URL as a target's baseUrl wants it (host root, or with /v1 for OpenAI). */
  url: string;
  requests: RecordedRequest[];
  /** Requests whose connection the client closed before the answer was complete. */
  readonly abortedRequests: number;
  setBehavior(behavior: BehaviorSource): void;
  /** Behaviors for the next requests, one each, before the setBehavior one applies again (e.g. fail once, then answer). */
  queueBehaviors(...behaviors: FakeBehavior[]): void;
  /** Resolves when the count of client-aborted requests reaches `count` (default: one more than now). */
  waitForAbort(count?: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** How one protocol answers: the rest (timing, faults, recording) is shared. */
export interface Protocol {
  /** Answers that are not chat calls (e.g. GET /v1/models), or a routing failure. */
  route(request: RecordedRequest): { stream: boolean } | { status: number; body: unknown };
  authorized(headers: IncomingHttpHeaders): boolean;
  errorBody(status: number): unknown;
  /** Gemini answers errors on its streaming endpoint as bare JSON labelled text/event-stream. */
  streamErrorContentType?: string;
  json: string;
  sse: string;
  midStreamSse: string;
}

export interface FakeOptions {
  behavior?: BehaviorSource;
  /** Off for benchmarks: no request is kept. */
  record?: boolean;
  /** Appended to the origin in `url` (OpenAI: /v1). */
  basePath?: string;
}

/** The fake's pacing (latencyMs, chunkDelayMs): an upstream that takes its time is what those tests ask for. */
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export async function startFakeUpstream(protocol: Protocol, options: FakeOptions = {}): Promise<FakeUpstream> {
  let behavior: BehaviorSource = options.behavior ?? {};
  const queued: FakeBehavior[] = [];
  let aborted = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const requests: RecordedRequest[] = [];
  const record = options.record ?? true;
  const jsonBuffer = Buffer.from(protocol.json);

  function noteAbort(): void {
    aborted += 1;
    for (const waiter of waiters.splice(0)) {
      if (aborted >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse, rawBody: string): Promise<void> {
    let body: unknown = rawBody;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      // Recorded as text: the test can see what was sent.
    }
    const request: RecordedRequest = { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body };
    if (record) requests.push(request);
    const current = queued.shift() ?? (typeof behavior === 'function' ? behavior(request) : behavior);
    let deliberate = false;
    response.on('close', () => {
      if (!response.writableFinished && !deliberate) noteAbort();
    });
    if (current.hang) return;
    if (current.latencyMs) await sleep(current.latencyMs);
    if (current.reset === 'before-headers') {
      deliberate = true;
      incoming.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { ...current.headers };
    if (current.retryAfter !== undefined) headers['retry-after'] = current.retryAfter;
    const routed = protocol.route(request);
    if ('status' in routed) return sendJson(response, routed.status, headers, JSON.stringify(routed.body));
    if (!protocol.authorized(incoming.headers)) return sendJson(response, 401, headers, JSON.stringify(protocol.errorBody(401)));
    const status = current.status ?? 200;
    if (status >= 300) {
      const errorHeaders = routed.stream && protocol.streamErrorContentType ? { 'content-type': protocol.streamErrorContentType, ...headers } : headers;
      return sendJson(response, status, errorHeaders, JSON.stringify(current.errorBody ?? protocol.errorBody(status)));
    }
    if (!routed.stream) {
      if (current.rawBody !== undefined) return sendJson(response, 200, headers, current.rawBody);
      if (current.json !== undefined) return sendJson(response, 200, headers, JSON.stringify(current.json));
      return sendJson(response, 200, headers, jsonBuffer);
    }
    const text = current.midStreamError ? protocol.midStreamSse : (current.sse ?? protocol.sse);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
    const stopAfter = current.hangAfterEvents ?? (current.reset === 'mid-stream' ? 2 : undefined);
    if (!current.chunkDelayMs && stopAfter === undefined) {
      response.end(text);
      return;
    }
    const events = splitSseEvents(text);
    let flushed: Promise<void> = Promise.resolve();
    for (const [index, event] of events.entries()) {
      if (stopAfter !== undefined && index >= stopAfter) break;
      if (index > 0 && current.chunkDelayMs) await sleep(current.chunkDelayMs);
      if (response.destroyed) return;
      flushed = new Promise((resolve) => response.write(event, () => resolve()));
    }
    if (current.reset === 'mid-stream') {
      deliberate = true;
      // the events go out before the reset: the client sees them, then the cut
      await flushed;
      incoming.socket.destroy();
      return;
    }
    if (current.hangAfterEvents === undefined) response.end();
  }

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      handle(incoming, response, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
    requests,
    get abortedRequests() {
      return aborted;
    },
    setBehavior(next) {
      behavior = next;
    },
    queueBehaviors(...behaviors) {
      queued.push(...behaviors);
    },
    waitForAbort(count = aborted + 1, timeoutMs = 2000) {
      if (aborted >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no aborted request within ${timeoutMs} ms (count ${aborted})`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
      behavior = {};
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function sendJson(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
