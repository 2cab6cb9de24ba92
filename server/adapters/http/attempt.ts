import { Agent, type Dispatcher } from 'undici';
import type { ErrorContext, HeaderReader } from '../classify-error';
import { classifyHttpError, upstreamMessage } from '../classify-error';
import { UpstreamError, isUpstreamError } from '../errors';

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** One upstream HTTP response: its status, headers, and the body as chunks or as one text. */
export interface UpstreamResponse {
  status: number;
  headers: HeaderReader;
  /** the body: chunks as they arrive, or all of it with text(); `complete` once every chunk has arrived and been read */
  body: AsyncIterable<Buffer> & { text(): Promise<string>; readonly complete: boolean };
}

/**
 * One shared keep-alive pool per process. Its own timeouts are off: every attempt carries its
 * deadline (below), which is what a caller configures per model.
 */
const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 1024, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });

/** Chunks held for a consumer that is not reading before the upstream socket is paused. */
const HIGH_WATER_CHUNKS = 64;

interface Endpoint {
  origin: string;
  path: string;
}

const endpoints = new Map<string, Endpoint>();

/** `origin` and `path` of an endpoint URL, parsed once per URL (a model's endpoint rarely changes). */
function endpointOf(url: string): Endpoint {
  let endpoint = endpoints.get(url);
  if (!endpoint) {
    const parsed = new URL(url);
    endpoint = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (endpoints.size > 10_000) endpoints.clear();
    endpoints.set(url, endpoint);
  }
  return endpoint;
}

function headerReader(headers: Record<string, string | string[] | undefined>): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * One HTTP attempt on undici's dispatch API: no streams, no promise per chunk unless a consumer
 * waits for one, no AbortController of its own. This is the gateway's hot path (`npm run bench`
 * measures it). The deadline covers the wait for response headers and is re-armed on every body
 * chunk, so a long but lively stream is never cut while a silent one is. Aborting — the caller's
 * signal, the deadline, or a consumer that stops early — destroys the socket: the upstream sees
 * its connection closed.
 */
export class HttpAttempt {
  private controller: Dispatcher.DispatchController | null = null;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private deadlineSuspended = false;
  private settled = false;
  /** why the attempt was cut, when it was cut before undici started the request */
  private abortReason: Error | null = null;
  /** rejects the pending dispatch while undici has not started it yet (still connecting, say) */
  private rejectPending: ((reason: Error) => void) | null = null;
  private onCallerAbort: (() => void) | null = null;

  constructor(
    readonly context: ErrorContext,
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    if (callerSignal) {
      this.onCallerAbort = () => this.abort(callerSignal.reason instanceof Error ? callerSignal.reason : new Error('aborted'));
      if (callerSignal.aborted) this.onCallerAbort();
      else callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    this.timer = setTimeout(() => {
      if (this.deadlineSuspended) return; // we paused the upstream ourselves: not its silence
      this.timedOut = true;
      this.abort(new Error('timeout'));
    }, timeoutMs);
  }

  private abort(reason: Error): void {
    if (this.settled) return;
    this.abortReason ??= reason;
    if (this.controller && !this.controller.aborted) this.controller.abort(reason);
    this.rejectPending?.(reason);
  }

  private unlink(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  /** A sign of life from the upstream: the deadline starts again. */
  rearm(): void {
    this.timer?.refresh();
  }

  /** While the socket is paused for a slow consumer, the upstream cannot send: no deadline runs. */
  suspendDeadline(): void {
    this.deadlineSuspended = true;
  }

  resumeDeadline(): void {
    this.deadlineSuspended = false;
    this.timer?.refresh();
  }

  /** Closes the upstream connection if it is still open (the consumer stopped early). */
  close(): void {
    this.unlink();
    // every stream ends here, most of them already read to the end: no Error (and its stack) then
    if (!this.settled) this.abort(new Error('closed'));
    this.settled = true;
  }

  /** The response was read to its end: nothing left to close. */
  done(): void {
    this.unlink();
    this.settled = true;
  }

  /** Any failure of the request or of reading its body, as an UpstreamError. */
  toUpstreamError(error: unknown, midStream = false): UpstreamError {
    if (isUpstreamError(error)) return error;
    const base = { provider: this.context.provider, modelId: this.context.modelId, midStream, cause: error };
    const prefix = `${this.context.provider} ${this.context.modelId}`;
    if (this.callerSignal?.aborted) return new UpstreamError({ ...base, kind: 'aborted', message: `${prefix}: aborted by the caller` });
    if (this.timedOut) {
      return new UpstreamError({ ...base, kind: 'timeout', message: `${prefix}: no answer within ${this.timeoutMs} ms` });
    }
    if (error instanceof SyntaxError) {
      // the parser quotes what it read, upstream text: redacted, and its error not kept as the cause (loggers print causes)
      return new UpstreamError({ ...base, cause: undefined, kind: 'server', message: upstreamMessage(this.context, `malformed answer (${error.message})`) });
    }
    const code = errorCode(error);
    const detail = code && connectionCodes.has(code) ? code : error instanceof Error ? error.message : String(error);
    return new UpstreamError({ ...base, kind: 'connection', message: upstreamMessage(this.context, `connection failed (${detail})`) });
  }

  /** POSTs JSON; resolves with a 2xx response, throws an UpstreamError otherwise. */
  async post(url: string, headers: Record<string, string>, body: unknown): Promise<UpstreamResponse> {
    let response: UpstreamResponse;
    try {
      response = await this.dispatch(url, headers, JSON.stringify(body));
    } catch (error) {
      this.done();
      throw this.toUpstreamError(error);
    }
    if (response.status >= 200 && response.status < 300) return response;
    throw classifyHttpError(this.context, response.status, response.headers, await this.readText(response));
  }

  /** The whole JSON body of a 2xx response. */
  async readJson(response: UpstreamResponse): Promise<unknown> {
    const text = await this.readText(response);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const { provider, modelId } = this.context;
      throw new UpstreamError({ kind: 'server', message: `${provider} ${modelId}: answer is not JSON`, provider, modelId, cause: error });
    }
  }

  /** The whole body as text; the attempt is over once it is read (or failed). */
  private async readText(response: UpstreamResponse): Promise<string> {
    try {
      return await response.body.text();
    } catch (error) {
      throw this.toUpstreamError(error);
    } finally {
      this.done();
    }
  }

  private dispatch(url: string, headers: Record<string, string>, payload: string): Promise<UpstreamResponse> {
    if (this.abortReason) return Promise.reject(this.abortReason);
    const { origin, path } = endpointOf(url);
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const body = new ResponseBody(this);
      let started = false;
      this.rejectPending = (reason) => {
        this.rejectPending = null;
        reject(reason);
      };
      dispatcher.dispatch(
        { origin, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload },
        {
          onRequestStart: (controller) => {
            this.controller = controller;
            if (this.abortReason) controller.abort(this.abortReason);
          },
          onResponseStart: (controller, status, responseHeaders) => {
            if (status < 200) return; // 1xx: the real answer follows
            started = true;
            this.rejectPending = null;
            body.controller = controller;
            resolve({ status, headers: headerReader(responseHeaders), body });
          },
          onResponseData: (_controller, chunk) => body.push(chunk),
          onResponseEnd: () => body.end(),
          onResponseError: (_controller, error) => {
            const reason = this.abortReason ?? error;
            this.rejectPending = null;
            if (started) body.fail(reason);
            else reject(reason);
          },
        },
      );
    });
  }
}

/**
 * A response body fed by undici's callbacks. Chunks wait in an array until read; a consumer that
 * falls HIGH_WATER_CHUNKS behind pauses the socket. `text()` of a body that already arrived (the
 * usual case for a JSON answer, whose headers and body share a packet) needs no further wait.
 */
class ResponseBody implements AsyncIterable<Buffer> {
  controller: Dispatcher.DispatchController | null = null;
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private error: unknown = null;
  private waiting: { resolve(result: IteratorResult<Buffer>): void; reject(error: unknown): void } | null = null;

  constructor(private readonly attempt: HttpAttempt) {}

  push(chunk: Buffer): void {
    this.attempt.rearm();
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value: chunk, done: false });
      return;
    }
    this.chunks.push(chunk);
    if (this.chunks.length >= HIGH_WATER_CHUNKS && this.controller && !this.controller.paused) {
      this.controller.pause();
      this.attempt.suspendDeadline();
    }
  }

  end(): void {
    this.ended = true;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  /** The upstream ended the body and every chunk was read: the next read would say done. */
  get complete(): boolean {
    return this.ended && this.chunks.length === 0 && this.error === null;
  }

  fail(error: unknown): void {
    this.error = error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = null;
      reject(error);
    }
  }

  private next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.chunks.shift();
    if (chunk) {
      if (this.controller?.paused && this.chunks.length < HIGH_WATER_CHUNKS / 2) {
        this.attempt.resumeDeadline();
        this.controller.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.next(),
      return: () => {
        this.attempt.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  async text(): Promise<string> {
    // it all arrived already (the usual case): no promise per chunk
    if (this.ended && !this.error) return utf8(this.chunks.splice(0));
    const parts: Buffer[] = [];
    for (;;) {
      const step = await this.next();
      if (step.done) break;
      parts.push(step.value);
    }
    return utf8(parts);
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function utf8(parts: Buffer[]): string {
  return parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
}
