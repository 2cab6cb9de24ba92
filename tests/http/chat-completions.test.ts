import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatCompletionsHandler } from '../../server/http/chat-completions';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness, type LooseJson } from '../support/gateway';
import { ADMIN_KEY, startTestServices, type TestServices } from '../support/services';

/**
 * POST /v1/chat/completions as served on Node's own request and response (server/http/chat-completions.ts):
 * what tests/gateway/bad-input.test.ts does not already cover — request ids, media types, prototype
 * poisoning, the body limit on the wire (declared and chunked), the route's edge with fastify, and
 * the answer while the server shuts down.
 */
const BODY_LIMIT = 4096;
const MODEL = 'cc-live';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Only for a client paced on purpose (a slow sender is what those tests are about). */
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: LooseJson;
}

function parseJson(text: string): LooseJson {
  try {
    return JSON.parse(text) as LooseJson;
  } catch {
    return {};
  }
}

/**
 * One request on its own keep-alive connection with exactly these headers (node:http adds host and
 * `connection: keep-alive`, so a `connection: close` in the answer is the server's own choice).
 */
function send(url: string, options: { method?: string; headers?: Record<string, string | number>; body?: string }): Promise<RawAnswer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise<RawAnswer>((resolve, reject) => {
    const outgoing = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers ?? {}, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, json: parseJson(text) });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  }).finally(() => agent.destroy());
}

interface WireAnswer extends RawAnswer {
  /** the server closed the connection after the answer */
  closedByServer: boolean;
  /** body pieces written before the answer arrived */
  piecesWritten: number;
}

/**
 * A raw HTTP/1.1 exchange on a socket: writes `head`, then each body piece with a pause between,
 * stopping as soon as the answer starts; resolves once the server closes the connection (or
 * `waitMs` after the answer is complete, for a connection that stays open).
 */
function wire(port: number, head: string, pieces: string[] = [], options: { pauseMs?: number; waitMs?: number } = {}): Promise<WireAnswer> {
  const pauseMs = options.pauseMs ?? 25;
  const waitMs = options.waitMs ?? 1500;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let piecesWritten = 0;
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(deadline);
      socket.destroy();
      const raw = Buffer.concat(received).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no complete answer: ${JSON.stringify(raw)}`));
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      const text = raw.slice(split + 4, split + 4 + (Number.isFinite(length) ? length : raw.length));
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, text, json: parseJson(text), closedByServer, piecesWritten });
    };
    // an answer that never comes fails the test here, not at vitest's timeout
    const deadline = setTimeout(() => finish(false), 5000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // a connection the server keeps open: take the answer once nothing more comes
      clearTimeout(idle);
      idle = setTimeout(() => finish(false), waitMs);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      socket.write(head);
      for (const piece of pieces) {
        await sleep(pauseMs);
        if (received.length > 0 || socket.destroyed) return;
        socket.write(piece);
        piecesWritten += 1;
      }
    });
  });
}

/** The head of a raw `POST /v1/chat/completions` with these header lines, ready for its body. */
const rawHead = (...headers: string[]) => ['POST /v1/chat/completions HTTP/1.1', 'host: 127.0.0.1', ...headers, '', ''].join('\r\n');

const expectOpenAIError = (answer: { status: number; json: LooseJson; text?: string }, status: number, code: string, type?: string) => {
  expect(answer.status, answer.text ?? JSON.stringify(answer.json)).toBe(status);
  expect(Object.keys(answer.json)).toEqual(['error']);
  expect(Object.keys(answer.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(answer.json.error.code).toBe(code);
  expect(typeof answer.json.error.message).toBe('string');
  if (type !== undefined) expect(answer.json.error.type).toBe(type);
};

describe('POST /v1/chat/completions on the raw server', () => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;
  let completions: string;
  let port: number;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    gateway = await startGateway({ env: { GROVE_BODY_LIMIT_BYTES: String(BODY_LIMIT) }, objects: [gatewayModel(MODEL, 'openai-compatible', fake.url)] });
    completions = `${gateway.url}/v1/chat/completions`;
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  const chatBody = JSON.stringify({ model: MODEL, messages: hello });
  const auth = () => ({ authorization: `Bearer ${gateway.invokeKey}` });
  const expectServed = (answer: { status: number; json: LooseJson; text?: string }) => {
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.object).toBe('chat.completion');
    expect(answer.json.model).toBe(MODEL);
    expect(answer.json.choices[0].message.content).toBe('Hello! How can I assist you today?');
  };

  describe('x-request-id', () => {
    it('echoes the client request id on a success', async () => {
      const answer = await postJson(completions, gateway.invokeKey, { model: MODEL, messages: hello }, { 'x-request-id': 'client-req-42' });
      expectServed(answer);
      expect(answer.headers.get('x-request-id')).toBe('client-req-42');
    });

    it('echoes the client request id on a streamed success', async () => {
      const answer = await postJson(completions, gateway.invokeKey, { model: MODEL, messages: hello, stream: true }, { 'x-request-id': 'client-stream-7' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(answer.headers.get('x-request-id')).toBe('client-stream-7');
      expect(answer.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    });

    it('echoes the client request id on errors: before authentication and after reading the body', async () => {
      const unauthenticated = await postJson(completions, undefined, { model: MODEL, messages: hello }, { 'x-request-id': 'client-err-401' });
      expectOpenAIError(unauthenticated, 401, 'invalid_api_key', 'invalid_request_error');
      expect(unauthenticated.headers.get('x-request-id')).toBe('client-err-401');

      const invalid = await postJson(completions, gateway.invokeKey, { model: MODEL }, { 'x-request-id': 'client-err-400' });
      expectOpenAIError(invalid, 400, 'invalid_request');
      expect(invalid.headers.get('x-request-id')).toBe('client-err-400');
    });

    it('generates a UUID when the client sends none, a different one per request', async () => {
      const first = await postJson(completions, gateway.invokeKey, { model: MODEL, messages: hello });
      const second = await postJson(completions, undefined, { model: MODEL, messages: hello });
      expectServed(first);
      expect(second.status).toBe(401);
      const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
      expect(ids[0]).toMatch(UUID);
      expect(ids[1]).toMatch(UUID);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('generates a UUID instead of echoing an overlong request id', async () => {
      const answer = await postJson(completions, gateway.invokeKey, { model: MODEL, messages: hello }, { 'x-request-id': 'r'.repeat(201) });
      expectServed(answer);
      expect(answer.headers.get('x-request-id')).toMatch(UUID);
    });
  });

  describe('media types', () => {
    it('accepts application/json with a charset parameter', async () => {
      const answer = await send(completions, { headers: { ...auth(), 'content-type': 'application/json; charset=utf-8' }, body: chatBody });
      expectServed(answer);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
    });

    it('accepts a +json media type (application/vnd.api+json)', async () => {
      const answer = await send(completions, { headers: { ...auth(), 'content-type': 'application/vnd.api+json' }, body: chatBody });
      expectServed(answer);
    });

    it('refuses a body without a content-type with 415', async () => {
      const before = fake.requests.length;
      const answer = await send(completions, { headers: { ...auth(), 'content-length': Buffer.byteLength(chatBody) }, body: chatBody });
      expectOpenAIError(answer, 415, 'unsupported_media_type');
      // the body was read to its end: the connection may carry the next request
      expect(answer.headers.connection).toBe('keep-alive');
      expect(fake.requests.length).toBe(before);
    });

    it('answers an empty body without a content-type with 400 from the request schema', async () => {
      const answer = await send(completions, { headers: { ...auth(), 'content-length': 0 } });
      expectOpenAIError(answer, 400, 'invalid_request', 'invalid_request_error');
      expect(answer.json.error.param).toBeNull();
    });

    it('refuses a lookalike of JSON (application/jsonx, application/json-seq) with 415', async () => {
      for (const type of ['application/jsonx', 'application/json-seq']) {
        const answer = await send(completions, { headers: { ...auth(), 'content-type': type }, body: chatBody });
        expectOpenAIError(answer, 415, 'unsupported_media_type');
      }
    });
  });

  describe('prototype poisoning', () => {
    it('refuses a top-level __proto__ key with 400 invalid_json, forwards nothing, and keeps serving', async () => {
      const before = fake.requests.length;
      const poisoned = `{"model":"${MODEL}","messages":[{"role":"user","content":"Hello"}],"__proto__":{"polluted":true}}`;
      const answer = await postJson(completions, gateway.invokeKey, poisoned);
      expectOpenAIError(answer, 400, 'invalid_json', 'invalid_request_error');
      expect(answer.json.error.message).toMatch(/forbidden prototype property/);
      expect(fake.requests.length).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expectServed(await postJson(completions, gateway.invokeKey, { model: MODEL, messages: hello }));
    });

    it('refuses constructor.prototype nested inside a message with 400 invalid_json', async () => {
      const before = fake.requests.length;
      const poisoned = `{"model":"${MODEL}","messages":[{"role":"user","content":"Hello","constructor":{"prototype":{"polluted":true}}}]}`;
      const answer = await postJson(completions, gateway.invokeKey, poisoned);
      expectOpenAIError(answer, 400, 'invalid_json', 'invalid_request_error');
      expect(fake.requests.length).toBe(before);
    });

    it('refuses the same keys written with \\u escapes, which JSON.parse turns into the real names', async () => {
      const before = fake.requests.length;
      const escapedProto = `{"model":"${MODEL}","messages":[{"role":"user","content":"Hello"}],"\\u005f_proto__":{"polluted":true}}`;
      expectOpenAIError(await postJson(completions, gateway.invokeKey, escapedProto), 400, 'invalid_json', 'invalid_request_error');
      const escapedConstructor = `{"model":"${MODEL}","messages":[{"role":"user","content":"Hello","\\u0063onstructor":{"prototype":{"x":1}}}]}`;
      expectOpenAIError(await postJson(completions, gateway.invokeKey, escapedConstructor), 400, 'invalid_json', 'invalid_request_error');
      expect(fake.requests.length).toBe(before);
      // other escapes (a client that writes every non-ASCII character as \\uXXXX) are served
      expectServed(await postJson(completions, gateway.invokeKey, `{"model":"${MODEL}","messages":[{"role":"user","content":"caf\\u00e9"}]}`));
    });

    it('serves bodies that only mention those names: as text, or a constructor key without a prototype', async () => {
      const asText = await postJson(completions, gateway.invokeKey, { model: MODEL, messages: [{ role: 'user', content: '"__proto__": {}, "constructor": {"prototype": 1}' }] });
      expectServed(asText);
      const plainConstructor = await postJson(completions, gateway.invokeKey, `{"model":"${MODEL}","messages":[{"role":"user","content":"Hello"}],"metadata":{"constructor":"ok"}}`);
      expectServed(plainConstructor);
    });
  });

  describe('connections', () => {
    const head = (headers: string[], body: string) => rawHead('content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, ...headers) + body;

    it("closes a streamed answer's connection when the client asked with connection: close", async () => {
      const body = JSON.stringify({ model: MODEL, messages: hello, stream: true });
      const answer = await wire(port, head([`authorization: Bearer ${gateway.invokeKey}`, 'connection: close'], body));
      expect(answer.status).toBe(200);
      expect(answer.headers['connection']).toBe('close');
      expect(answer.closedByServer).toBe(true);
    });

    it('keeps a streamed answer\'s connection open otherwise', async () => {
      const body = JSON.stringify({ model: MODEL, messages: hello, stream: true });
      const answer = await wire(port, head([`authorization: Bearer ${gateway.invokeKey}`], body), [], { waitMs: 300 });
      expect(answer.status).toBe(200);
      expect(answer.headers['connection']).toBe('keep-alive');
      expect(answer.closedByServer).toBe(false);
    });

    it('closes the connection of an unauthenticated request whose body it will not read', async () => {
      const declared = rawHead('content-type: application/json', `content-length: ${BODY_LIMIT * 10}`);
      const answer = await wire(port, declared);
      expectOpenAIError(answer, 401, 'invalid_api_key');
      expect(answer.headers['connection']).toBe('close');
      expect(answer.closedByServer).toBe(true);
      // a small unauthenticated request keeps its connection
      const small = await wire(port, head([], JSON.stringify({ model: MODEL, messages: hello })), [], { waitMs: 300 });
      expect(small.status).toBe(401);
      expect(small.closedByServer).toBe(false);
    });
  });

  describe('body limit on the wire', () => {
    it('answers a declared content-length over the limit with 413 and connection: close, without waiting for the body', async () => {
      const head = rawHead(`authorization: Bearer ${gateway.invokeKey}`, 'content-type: application/json', `content-length: ${BODY_LIMIT + 1}`, 'x-request-id: too-big-declared');
      // no body byte is ever sent: the answer must come from the declaration alone
      const answer = await wire(port, head);
      expectOpenAIError(answer, 413, 'request_too_large');
      expect(answer.json.error.message).toContain(String(BODY_LIMIT));
      expect(answer.headers.connection).toBe('close');
      expect(answer.headers['x-request-id']).toBe('too-big-declared');
      expect(answer.closedByServer).toBe(true);
    });

    it('serves a body of exactly the limit and refuses one byte more with 413', async () => {
      const sized = (bytes: number) => {
        const empty = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: '' }] });
        return JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'H'.repeat(bytes - empty.length) }] });
      };
      const exact = sized(BODY_LIMIT);
      expect(Buffer.byteLength(exact)).toBe(BODY_LIMIT);
      expectServed(await send(completions, { headers: { ...auth(), 'content-type': 'application/json', 'content-length': BODY_LIMIT }, body: exact }));
      const over = sized(BODY_LIMIT + 1);
      const refused = await send(completions, { headers: { ...auth(), 'content-type': 'application/json', 'content-length': BODY_LIMIT + 1 }, body: over });
      expectOpenAIError(refused, 413, 'request_too_large');
      expect(refused.headers.connection).toBe('close');
    });

    it('answers a chunked body that grows past the limit with 413 and connection: close, before it ends', async () => {
      const head = rawHead(`authorization: Bearer ${gateway.invokeKey}`, 'content-type: application/json', 'transfer-encoding: chunked', 'x-request-id: too-big-chunked');
      const piece = 'x'.repeat(1000);
      const chunk = `${piece.length.toString(16)}\r\n${piece}\r\n`;
      // 10 pieces of 1000 bytes; the 5th crosses the 4096-byte limit; the terminating chunk is never sent
      const answer = await wire(port, head, Array.from({ length: 10 }, () => chunk), { pauseMs: 40 });
      expectOpenAIError(answer, 413, 'request_too_large');
      expect(answer.headers.connection).toBe('close');
      expect(answer.headers['x-request-id']).toBe('too-big-chunked');
      expect(answer.closedByServer).toBe(true);
      expect(answer.piecesWritten).toBeGreaterThanOrEqual(5);
      expect(answer.piecesWritten).toBeLessThan(10);
    });

    it('serves a chunked body under the limit, written in several pieces', async () => {
      const head = rawHead(`authorization: Bearer ${gateway.invokeKey}`, 'content-type: application/json', 'transfer-encoding: chunked', 'connection: close');
      const pieces = [chatBody.slice(0, 10), chatBody.slice(10, 30), chatBody.slice(30)].map((text) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
      const answer = await wire(port, head, [...pieces, '0\r\n\r\n'], { pauseMs: 10 });
      expectServed(answer);
      expect(answer.piecesWritten).toBe(4);
    });

    it('keeps serving after the oversized requests', async () => {
      expectServed(await postJson(completions, gateway.invokeKey, { model: MODEL, messages: hello }));
    });
  });

  it('leaves GET /v1/chat/completions to fastify: an OpenAI-style 404', async () => {
    const response = await fetch(completions, { headers: { ...auth(), 'x-request-id': 'get-404' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('get-404');
    expect(await response.json()).toEqual({
      error: { message: 'Unknown request URL: GET /v1/chat/completions', type: 'invalid_request_error', param: null, code: 'unknown_url' },
    });
  });

  it('serves POST /v1/chat/completions with a query string', async () => {
    expectServed(await postJson(`${completions}?trace=1`, gateway.invokeKey, { model: MODEL, messages: hello }));
  });
});

describe('createChatCompletionsHandler shutdown', () => {
  let grove: TestServices;
  let server: Server;
  let handler: ReturnType<typeof createChatCompletionsHandler>;
  let url: string;

  beforeAll(async () => {
    grove = await startTestServices();
    handler = createChatCompletionsHandler(grove.services);
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await grove?.close();
  });

  it('answers normally before close(), then 503 server_shutting_down with connection: close', async () => {
    const before = await send(url, { headers: { 'content-type': 'application/json' }, body: chatBody() });
    expectOpenAIError(before, 401, 'invalid_api_key');
    expect(before.headers.connection).not.toBe('close');

    handler.close();

    // even an unauthenticated request is told to go elsewhere: the server is leaving, not judging
    const after = await send(url, { headers: { 'content-type': 'application/json', 'x-request-id': 'draining-1' }, body: chatBody() });
    expectOpenAIError(after, 503, 'server_shutting_down');
    expect(after.headers.connection).toBe('close');
    expect(after.headers['x-request-id']).toBe('draining-1');

    const admin = await send(url, { headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: chatBody() });
    expectOpenAIError(admin, 503, 'server_shutting_down');
    expect(admin.headers.connection).toBe('close');
    expect(admin.headers['x-request-id']).toMatch(UUID);
  });

  function chatBody(): string {
    return JSON.stringify({ model: 'anything', messages: hello });
  }
});
