import { Agent, request } from 'undici';
import type { ErrorContext, HeaderReader } from '../classify-error';
import { classifyHttpError } from '../classify-error';
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

/**
 * One upstream HTTP response. undici's request API, on one shared keep-alive pool, costs a fraction
 * of fetch per call: this is the gateway's hot path, measured by `npm run bench`.
 */
export interface UpstreamResponse {
  status: number;
  headers: HeaderReader;
  /** the body: chunks as they arrive, or all of it with text() */
  body: AsyncIterable<Buffer> & { text(): Promise<string> };
}

const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 1024, pipelining: 1 });

function headerReader(headers: Record<string, string | string[] | undefined>): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * One HTTP attempt: the caller's signal combined with our own deadline. The deadline covers the
 * wait for response headers and is re-armed on every body chunk, so a long but lively stream is
 * never cut while a silent one is. Aborting makes undici destroy the socket: the upstream sees
 * its connection closed.
 */
export class HttpAttempt {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private settled = false;

  constructor(
    readonly context: ErrorContext,
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    // Linked by hand: AbortSignal.any costs about 30 µs on Node 20, a tenth of a whole request here.
    this.signal = this.controller.signal;
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.rearm();
  }

  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  private unlink(): void {
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  rearm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timeout'));
    }, this.timeoutMs);
  }

  /** Closes the upstream connection if it is still open (the consumer stopped early). */
  close(): void {
    clearTimeout(this.timer);
    this.unlink();
    if (!this.settled && !this.controller.signal.aborted) this.controller.abort(new Error('closed'));
  }

  /** The response was read to its end: nothing left to close. */
  done(): void {
    clearTimeout(this.timer);
    this.unlink();
    this.settled = true;
  }

  /** Any failure of fetch or of reading its body, as an UpstreamError. */
  toUpstreamError(error: unknown, midStream = false): UpstreamError {
    if (isUpstreamError(error)) return error;
    const base = { provider: this.context.provider, modelId: this.context.modelId, midStream, cause: error };
    const prefix = `${this.context.provider} ${this.context.modelId}`;
    if (this.callerSignal?.aborted) return new UpstreamError({ ...base, kind: 'aborted', message: `${prefix}: aborted by the caller` });
    if (this.timedOut) {
      return new UpstreamError({ ...base, kind: 'timeout', message: `${prefix}: no answer within ${this.timeoutMs} ms` });
    }
    if (error instanceof SyntaxError) {
      return new UpstreamError({ ...base, kind: 'server', message: `${prefix}: malformed answer (${error.message})` });
    }
    const code = errorCode(error);
    const detail = code && connectionCodes.has(code) ? code : error instanceof Error ? error.message : String(error);
    return new UpstreamError({ ...base, kind: 'connection', message: `${prefix}: connection failed (${detail})` });
  }

  /** POSTs JSON; resolves with a 2xx response, throws an UpstreamError otherwise. */
  async post(url: string, headers: Record<string, string>, body: unknown): Promise<UpstreamResponse> {
    let response: UpstreamResponse;
    try {
      const answer = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: this.signal,
        dispatcher,
      });
      response = { status: answer.statusCode, headers: headerReader(answer.headers), body: answer.body };
    } catch (error) {
      this.done();
      throw this.toUpstreamError(error);
    }
    if (response.status >= 200 && response.status < 300) return response;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      this.done();
      throw this.toUpstreamError(error);
    }
    this.done();
    throw classifyHttpError(this.context, response.status, response.headers, text);
  }

  /** The whole JSON body of a 2xx response. */
  async readJson(response: UpstreamResponse): Promise<unknown> {
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.toUpstreamError(error);
    } finally {
      this.done();
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const { provider, modelId } = this.context;
      throw new UpstreamError({ kind: 'server', message: `${provider} ${modelId}: answer is not JSON`, provider, modelId, cause: error });
    }
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
