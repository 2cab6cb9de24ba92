import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import secureJson from 'secure-json-parse';
import { parseChatRequest, type ChatRequest } from '../../shared/chat';
import { isUpstreamError } from '../adapters/errors';
import type { Principal } from '../auth/keys';
import { GroveError } from '../errors';
import type { AnswerMeta, OpenedAnswer } from '../gateway/gateway';
import { chunkEncoder, SSE_DONE, sseData, toChatCompletion, upstreamErrorToOpenAI } from '../openai';
import type { Services } from '../services';
import { closeAfterAnswer } from './lingering-close';
import { authenticate, requestIdOf, toV1Error, writeError } from './v1-edge';

/**
 * `POST /v1/chat/completions` on Node's own request and response, ahead of fastify's router: the
 * one route that carries the gateway's traffic, so that it pays for nothing it does not use (no
 * hooks, no per-request logger, no reply wrapper; `npm run bench` measures it). It keeps every
 * rule of the rest of /v1: authentication first, then the media type, the body limit and JSON
 * syntax, each answered as an OpenAI error object; a client that goes away aborts the upstream.
 * Every request is logged as a decision (the request log), not as a log line.
 */
export interface ChatCompletionsHandler {
  (request: IncomingMessage, response: ServerResponse): void;
  /** from now on, answer 503 and close the connection (the server is shutting down) */
  close(): void;
}

export function isChatCompletions(request: IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  return url === '/v1/chat/completions' || url.startsWith('/v1/chat/completions?');
}

export function createChatCompletionsHandler(services: Services): ChatCompletionsHandler {
  let closing = false;
  const handler = ((request: IncomingMessage, response: ServerResponse) => {
    const requestId = requestIdOf(request.headers);
    if (closing) {
      response.setHeader('connection', 'close');
      writeError(response, requestId, new GroveError('server_shutting_down', 'The server is shutting down; retry on another instance.'));
      request.resume();
      return;
    }
    let principal: Principal;
    try {
      principal = authenticate(services, request.headers);
    } catch (error) {
      // an unauthenticated body is not read: unless it is declared small, the connection closes
      if (!(Number(request.headers['content-length']) <= services.config.bodyLimitBytes)) closeAfterAnswer(response);
      request.resume();
      writeError(response, requestId, error as GroveError);
      return;
    }
    readBody(request, services.config.bodyLimitBytes, (problem, body) => {
      if (problem) {
        // the rest of an oversized body is not read: this connection cannot carry another request
        if (problem.status === 413) closeAfterAnswer(response);
        writeError(response, requestId, problem);
        return;
      }
      answer(services, request, response, requestId, principal, body).catch((error: unknown) => {
        writeError(response, requestId, toV1Error(error, services.logger, requestId));
      });
    });
  }) as ChatCompletionsHandler;
  handler.close = () => {
    closing = true;
  };
  return handler;
}

const jsonType = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;
const textType = /^text\/plain\s*(?:;|$)/i;
/**
 * Reads the body up to `limit` bytes and decodes it by its media type: JSON (parsed), text/plain
 * (kept as a string, which the request schema then refuses), none (an empty body) or 415.
 */
function readBody(request: IncomingMessage, limit: number, done: (problem: GroveError | null, body?: unknown) => void): void {
  const type = request.headers['content-type'];
  const declared = Number(request.headers['content-length'] ?? NaN);
  const tooLarge = () => new GroveError('request_too_large', `The request body is larger than the limit of ${limit} bytes.`);
  const unsupportedType = () => new GroveError('unsupported_media_type', 'Send the request body as application/json.');
  if (declared > limit) {
    request.resume();
    return done(tooLarge());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  request.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > limit) {
      failed = true;
      chunks.length = 0;
      done(tooLarge());
      return;
    }
    chunks.push(chunk);
  });
  request.on('error', () => {
    failed = true; // the client went away while sending: nobody to answer
  });
  request.on('end', () => {
    if (failed) return;
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    if (type === undefined) {
      if (text.length === 0) return done(null, undefined);
      return done(unsupportedType());
    }
    if (textType.test(type)) return done(null, text);
    if (!jsonType.test(type)) return done(unsupportedType());
    if (text.length === 0) return done(new GroveError('invalid_json', "We could not parse the JSON body of your request: Body cannot be empty when content-type is set to 'application/json'"));
    try {
      // fastify's own parser, with its defaults: an own `__proto__` key, or a `constructor` with a
      // `prototype`, anywhere in the body (written plainly or with \u escapes) is refused
      done(null, secureJson.parse(text) as unknown);
    } catch (error) {
      done(new GroveError('invalid_json', `We could not parse the JSON body of your request: ${(error as Error).message}`));
    }
  });
}

async function answer(services: Services, request: IncomingMessage, response: ServerResponse, requestId: string, principal: Principal, raw: unknown): Promise<void> {
  const parsed = parseChatRequest(raw);
  if (!parsed.success) throw new GroveError('invalid_request', parsed.message, { param: parsed.param });
  const body = parsed.data;
  const call = { body, principal, headers: request.headers, signal: connectionSignal(request.socket) };
  if (body.stream) return streamAnswer(response, requestId, await services.gateway.stream(call), body);
  const result = await services.gateway.complete(call);
  const payload = JSON.stringify(toChatCompletion(result.result, { id: result.id, created: result.created, model: result.model.metadata.id }));
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': requestId,
    ...groveHeaders(result),
    'x-grove-cost-usd': String(result.costUsd),
  });
  response.end(payload);
}

async function streamAnswer(response: ServerResponse, requestId: string, answer: OpenedAnswer, body: ChatRequest): Promise<void> {
  const meta = { id: answer.id, created: answer.created, model: answer.model.metadata.id };
  const includeUsage = body.stream_options?.include_usage === true;
  // Events that are ready together (an upstream packet often carries several) leave as one HTTP
  // chunk in one write: they are gathered until the next tick, after the deltas already at hand
  // are translated, instead of costing a chunk and a write each.
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    if (!response.writableEnded) response.write(text);
  };
  const send = (text: string) => {
    if (pending === '') process.nextTick(flush);
    pending += text;
  };
  // no connection header: Node keeps the connection unless the client asked to close it
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': requestId, ...groveHeaders(answer) });
  const encoder = chunkEncoder(meta);
  send(encoder.roleEvent);
  try {
    let step = await answer.deltas.next();
    while (!step.done) {
      for (const delta of step.value) if (delta.type !== 'usage' || includeUsage) send(encoder.encode(delta));
      step = await answer.deltas.next();
    }
    // what this answer cost, for clients that read SSE comments; every SSE parser skips them
    send(`: grove cost_usd=${step.value.costUsd}\n\n${SSE_DONE}`);
  } catch (error) {
    if (isUpstreamError(error) && error.kind !== 'aborted') send(sseData(upstreamErrorToOpenAI(error).body));
  } finally {
    // the last events and the end of the chunked body leave in one write
    const rest = pending;
    pending = '';
    if (!response.writableEnded) response.end(rest);
  }
}

function groveHeaders(answer: AnswerMeta): Record<string, string> {
  return { 'x-grove-model': answer.model.metadata.id, 'x-grove-decision-id': answer.id, 'x-grove-attempts': String(answer.attempts.filter((attempt) => attempt.outcome !== 'skipped').length) };
}

const connectionControllers = new WeakMap<Socket, AbortController>();

/**
 * Aborted when the client's connection closes: the upstream call of the request it carries is
 * cut (the adapter closes its connection). One per connection, not per request — an HTTP/1.1
 * connection carries one request at a time, and an AbortController costs more to create than
 * routing a request does.
 */
function connectionSignal(socket: Socket): AbortSignal {
  let controller = connectionControllers.get(socket);
  if (!controller) {
    const created = new AbortController();
    socket.once('close', () => created.abort());
    connectionControllers.set(socket, (controller = created));
  }
  return controller.signal;
}
