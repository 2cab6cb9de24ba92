import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../server/adapters/errors';
import { HttpAttempt, type UpstreamResponse } from '../../server/adapters/http/attempt';
import { waitFor } from '../support/wait-for';

/**
 * HttpAttempt (server/adapters/http/attempt.ts) against a loopback server that this file drives
 * chunk by chunk: backpressure, the caller's signal, the re-armed deadline, close(), text(), and
 * the classification of non-2xx answers.
 */

const context = { provider: 'openai-compatible' as const, modelId: 'attempt-model' };
/** Only where time passing is what a test is about: a paced upstream, a consumer slower than a deadline. */
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handle = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

let server: Server;
let url: string;
let handle: Handle;
const seen: Seen[] = [];
/** responses whose connection the client closed before the server ended them */
let cut = 0;
let cutWaiters: Array<() => void> = [];

/** Resolves once the server has seen `count` responses cut by the client. */
function waitForCut(count: number, timeoutMs = 2000): Promise<void> {
  if (cut >= count) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server saw ${cut} cut responses, not ${count}`)), timeoutMs);
    cutWaiters.push(() => {
      if (cut < count) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function upstreamRejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/** The body's internals, read only to observe backpressure (ResponseBody is not exported). */
function internals(response: UpstreamResponse): { controller: { paused: boolean } | null; chunks: Buffer[]; ended: boolean } {
  return response.body as unknown as { controller: { paused: boolean } | null; chunks: Buffer[]; ended: boolean };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.on('close', () => {
        if (response.writableFinished) return;
        cut += 1;
        for (const waiter of cutWaiters) waiter();
      });
      Promise.resolve(handle(request, response)).catch((error: unknown) => response.destroy(error as Error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions?probe=1`;
});

afterEach(() => {
  seen.length = 0;
  cutWaiters = [];
  handle = (_request, response) => {
    response.writeHead(500);
    response.end('no handler');
  };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('HttpAttempt request', () => {
  it('POSTs the JSON body with content-type and the given headers to the URL path and query', async () => {
    handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'X-Upstream-Thing': 'yes' });
      response.end('{"ok":true}');
    };
    const attempt = new HttpAttempt(context, 2000, undefined);
    const response = await attempt.post(url, { authorization: 'Bearer k', 'x-extra': '1' }, { model: 'm', n: 2 });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Upstream-Thing')).toBe('yes');
    expect(response.headers.get('x-missing')).toBeNull();
    expect(await attempt.readJson(response)).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions?probe=1', body: '{"model":"m","n":2}' });
    expect(seen[0]?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer k', 'x-extra': '1' });
  });
});

describe('HttpAttempt body backpressure', () => {
  it('pauses the socket 64 chunks behind, resumes as the consumer drains, and delivers every chunk in order', async () => {
    const count = 300;
    const sent: string[] = [];
    let serverDone = false;
    handle = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let index = 0; index < count; index += 1) {
        const piece = `chunk-${index};`;
        sent.push(piece);
        response.write(piece);
        await nextTick();
      }
      response.end();
      serverDone = true;
    };
    const attempt = new HttpAttempt(context, 10_000, undefined);
    const response = await attempt.post(url, {}, {});
    const body = internals(response);

    // nobody reads: the queue reaches the high-water mark and the socket is paused
    await waitFor(() => body.controller?.paused === true, { timeoutMs: 3000, what: 'the socket to be paused' });
    await waitFor(() => serverDone, { timeoutMs: 3000, what: 'the server to have written every chunk' });
    // paused means paused: no chunk is queued past the mark, though the server wrote them all
    // (300 small chunks fit in the socket buffers, so the server itself is not held back)
    expect(body.chunks).toHaveLength(64);

    const received: string[] = [];
    let sawResume = false;
    for await (const chunk of response.body) {
      received.push(chunk.toString('utf8'));
      if (body.controller?.paused === false) sawResume = true;
      // a consumer slower than the upstream, so that the socket pauses and resumes again
      if (received.length % 8 === 0) await sleep(1);
    }
    attempt.done();
    expect(sawResume).toBe(true);
    expect(body.controller?.paused).toBe(false);
    expect(serverDone).toBe(true);
    expect(received.length).toBeGreaterThan(64);
    expect(received.join('')).toBe(sent.join(''));
    expect(sent).toHaveLength(count);
  });
});

describe('HttpAttempt deadline while paused', () => {
  it('does not time out an upstream that we paused for a slow consumer', async () => {
    const count = 300;
    handle = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let index = 0; index < count; index += 1) {
        response.write(`chunk-${index};`);
        await nextTick();
      }
      response.end();
    };
    // a 150 ms deadline, and a consumer that reads nothing for 400 ms while the socket is paused
    const attempt = new HttpAttempt(context, 150, undefined);
    const response = await attempt.post(url, {}, {});
    await waitFor(() => internals(response).controller?.paused === true, { timeoutMs: 3000, what: 'the socket to be paused' });
    // time passing is the subject: longer than the deadline, while paused
    await sleep(400);
    let received = '';
    for await (const chunk of response.body) received += chunk.toString('utf8');
    attempt.done();
    expect(received).toBe(Array.from({ length: count }, (_, index) => `chunk-${index};`).join(''));
  });
});

describe('HttpAttempt caller signal', () => {
  it('rejects with kind aborted, before any request, when the signal is already aborted', async () => {
    handle = (_request, response) => {
      response.writeHead(200);
      response.end('{}');
    };
    const controller = new AbortController();
    controller.abort();
    const attempt = new HttpAttempt(context, 2000, controller.signal);
    const error = await upstreamRejection(attempt.post(url, {}, { x: 1 }));
    expect(error.kind).toBe('aborted');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('openai-compatible attempt-model: aborted by the caller');
    // a request that never comes announces nothing: a later one, once seen, is the only one
    handle = (_request, response) => {
      response.end('{}');
    };
    await new HttpAttempt(context, 2000, undefined).post(url, {}, { x: 2 }).then((response) => response.body.text());
    expect(seen.map((request) => request.body)).toEqual(['{"x":2}']);
  });

  it('rejects with kind aborted and closes the request when the signal fires while waiting for headers', async () => {
    handle = () => {}; // never answers
    const before = cut;
    const controller = new AbortController();
    const attempt = new HttpAttempt(context, 5000, controller.signal);
    const pending = upstreamRejection(attempt.post(url, {}, {}));
    await waitFor(() => seen.length === 1, { timeoutMs: 2000, what: 'the request' });
    controller.abort();
    const error = await pending;
    expect(error.kind).toBe('aborted');
    await waitForCut(before + 1);
  });
});

describe('HttpAttempt deadline', () => {
  it('times out waiting for headers with kind timeout', async () => {
    handle = () => {}; // never answers
    const started = Date.now();
    const attempt = new HttpAttempt(context, 200, undefined);
    const error = await upstreamRejection(attempt.post(url, {}, {}));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('openai-compatible attempt-model: no answer within 200 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a body that goes silent after its first chunk, and the upstream sees its connection closed', async () => {
    handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('first');
      // then silence, the response left open
    };
    const before = cut;
    const attempt = new HttpAttempt(context, 200, undefined);
    const response = await attempt.post(url, {}, {});
    const reader = response.body[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(first.done).toBe(false);
    expect(first.value?.toString('utf8')).toBe('first');
    const started = Date.now();
    const error = await rejection(reader.next());
    // the body rejects with the raw reason; the attempt classifies it, as streamSse does
    const classified = attempt.toUpstreamError(error, true);
    expect(classified.kind).toBe('timeout');
    expect(classified.midStream).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(2000);
    await waitForCut(before + 1);
  });

  it('re-arms on every chunk: a body that lasts twice the deadline but is never silent for it completes', async () => {
    const pieces = Array.from({ length: 9 }, (_value, index) => `tick-${index};`);
    handle = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) await sleep(50);
        response.write(piece);
      }
      response.end();
    };
    const started = Date.now();
    const attempt = new HttpAttempt(context, 200, undefined);
    const response = await attempt.post(url, {}, {});
    const received: string[] = [];
    for await (const chunk of response.body) received.push(chunk.toString('utf8'));
    attempt.done();
    expect(received.join('')).toBe(pieces.join(''));
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });
});

describe('HttpAttempt close', () => {
  const openStream: Handle = (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('first');
    const timer = setInterval(() => response.write('more'), 20);
    response.on('close', () => clearInterval(timer));
  };

  it('close() while the body is being read closes the upstream connection and fails the next read', async () => {
    handle = openStream;
    const before = cut;
    const attempt = new HttpAttempt(context, 5000, undefined);
    const response = await attempt.post(url, {}, {});
    const reader = response.body[Symbol.asyncIterator]();
    expect((await reader.next()).value?.toString('utf8')).toBe('first');
    attempt.close();
    await waitForCut(before + 1);
    // whatever was queued may still be read; then the body fails with the close
    let error: unknown;
    for (let reads = 0; reads < 1000 && error === undefined; reads += 1) {
      try {
        if ((await reader.next()).done) break;
      } catch (thrown) {
        error = thrown;
      }
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('closed');
  });

  it('leaving a for-await loop early closes the upstream connection', async () => {
    handle = openStream;
    const before = cut;
    const attempt = new HttpAttempt(context, 5000, undefined);
    const response = await attempt.post(url, {}, {});
    let reads = 0;
    for await (const chunk of response.body) {
      expect(chunk.length).toBeGreaterThan(0);
      reads += 1;
      if (reads === 3) break;
    }
    await waitForCut(before + 1);
  });

  it('a new attempt to the same upstream works after one was closed', async () => {
    handle = openStream;
    const first = new HttpAttempt(context, 5000, undefined);
    const response = await first.post(url, {}, {});
    first.close();
    await rejection(response.body.text());
    handle = (_request, reply) => {
      reply.writeHead(200, { 'content-type': 'application/json' });
      reply.end('{"again":true}');
    };
    const second = new HttpAttempt(context, 2000, undefined);
    expect(await second.readJson(await second.post(url, {}, {}))).toEqual({ again: true });
  });
});

describe('HttpAttempt text()', () => {
  it('returns the whole text of a body that arrives in many chunks, multi-byte characters split across them', async () => {
    const text = Array.from({ length: 120 }, (_value, index) => `línea ${index} — ✓ ${'🌲'.repeat(index % 3)}\n`).join('');
    const bytes = Buffer.from(text, 'utf8');
    handle = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      // 7-byte slices cut through multi-byte characters
      for (let offset = 0; offset < bytes.length; offset += 7) {
        response.write(bytes.subarray(offset, offset + 7));
        if (offset % 70 === 0) await nextTick();
      }
      response.end();
    };
    const attempt = new HttpAttempt(context, 5000, undefined);
    const response = await attempt.post(url, {}, {});
    expect(await response.body.text()).toBe(text);
    attempt.done();
  });

  it('returns the text of a body that had already arrived in full', async () => {
    handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('part one, ');
      response.end('part two');
    };
    const attempt = new HttpAttempt(context, 2000, undefined);
    const response = await attempt.post(url, {}, {});
    await waitFor(() => internals(response).ended, { timeoutMs: 3000, what: 'the whole body to arrive' });
    expect(await response.body.text()).toBe('part one, part two');
    attempt.done();
  });

  it('readJson refuses a 2xx body that is not JSON with kind server', async () => {
    handle = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"broken":');
    };
    const attempt = new HttpAttempt(context, 2000, undefined);
    const error = await upstreamRejection(attempt.readJson(await attempt.post(url, {}, {})));
    expect(error.kind).toBe('server');
    expect(error.message).toBe('openai-compatible attempt-model: answer is not JSON');
  });
});

describe('HttpAttempt non-2xx answers', () => {
  it('throws 503 as kind overloaded with the upstream status and message', async () => {
    handle = (_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Engine is busy', type: 'server_error', code: null } }));
    };
    const attempt = new HttpAttempt(context, 2000, undefined);
    const error = await upstreamRejection(attempt.post(url, {}, {}));
    expect(error.kind).toBe('overloaded');
    expect(error.upstreamStatus).toBe(503);
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('openai-compatible attempt-model: Engine is busy');
  });

  it('throws 429 as kind rate_limit with retry-after read from the headers', async () => {
    handle = (_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      response.end(JSON.stringify({ error: { message: 'Slow down', type: 'requests', code: 'rate_limit_exceeded' } }));
    };
    const attempt = new HttpAttempt(context, 2000, undefined);
    const error = await upstreamRejection(attempt.post(url, {}, {}));
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(3000);
  });

  it('throws a 400 whose body arrives in chunks as kind bad_request with its message', async () => {
    handle = async (_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      const text = JSON.stringify({ error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: null } });
      for (let offset = 0; offset < text.length; offset += 10) {
        response.write(text.slice(offset, offset + 10));
        await nextTick();
      }
      response.end();
    };
    const attempt = new HttpAttempt(context, 2000, undefined);
    const error = await upstreamRejection(attempt.post(url, {}, {}));
    expect(error.kind).toBe('bad_request');
    expect(error.upstreamStatus).toBe(400);
    expect(error.message).toBe('openai-compatible attempt-model: max_tokens is too large');
  });

  it('throws a refused connection as kind connection', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const attempt = new HttpAttempt(context, 2000, undefined);
    const error = await upstreamRejection(attempt.post(`http://127.0.0.1:${port}/v1/chat/completions`, {}, {}));
    expect(error.kind).toBe('connection');
    expect(error.message).toBe('openai-compatible attempt-model: connection failed (ECONNREFUSED)');
  });
});
