import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseChatRequest, type ChatRequest } from '../../shared/chat';
import { bearerToken, type Principal } from '../auth/keys';
import { isUpstreamError } from '../adapters/errors';
import { GatewayError } from '../gateway/gateway-error';
import type { AnswerMeta } from '../gateway/gateway';
import { openAIErrorBody, SSE_DONE, sseData, toChatCompletion, toChunk, toRoleChunk, upstreamErrorToOpenAI } from '../openai';
import type { Services } from '../services';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * The OpenAI-compatible API: /v1/chat/completions (JSON and SSE) and /v1/models, exactly in the
 * OpenAI wire format, errors included, so that any OpenAI client works unchanged.
 */
export async function registerV1(app: FastifyInstance, services: Services): Promise<void> {
  const { gateway, keys } = services;

  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, request, reply) => sendError(reply, toGatewayError(error, request, services)));

    scope.addHook('onRequest', async (request) => {
      const principal = keys.authenticate(bearerToken(request.headers.authorization));
      if (!principal) {
        const message = request.headers.authorization ? 'Incorrect API key provided.' : 'You didn\'t provide an API key. Send it as Authorization: Bearer <key>.';
        throw new GatewayError(401, message, 'invalid_api_key', null, 'invalid_request_error');
      }
      if (!principal.scopes.includes('invoke') && !principal.scopes.includes('admin')) throw new GatewayError(403, 'This key may not call models.', 'insufficient_scope');
      request.principal = principal;
    });

    scope.get('/v1/models', async (request) => {
      const created = Math.floor(Date.parse(services.startedAt) / 1000);
      const data = gateway.visibleModels(request.principal!).flatMap((model) =>
        [model.metadata.id, ...model.spec.aliases].map((id) => ({ id, object: 'model', created: Math.floor(Date.parse(String(model.status.createdAt)) / 1000) || created, owned_by: ownerOf(model.spec.provider) })),
      );
      return { object: 'list', data: [{ id: 'auto', object: 'model', created, owned_by: 'grove' }, ...data] };
    });

    scope.get('/v1/models/:id', async (request) => {
      const { id } = request.params as { id: string };
      const model = gateway.visibleModels(request.principal!).find((candidate) => candidate.metadata.id === id || candidate.spec.aliases.includes(id));
      if (!model && id !== 'auto') throw new GatewayError(404, `The model \`${id}\` does not exist`, 'model_not_found', 'model');
      return { id, object: 'model', created: Math.floor(Date.parse(services.startedAt) / 1000), owned_by: model ? ownerOf(model.spec.provider) : 'grove' };
    });

    scope.post('/v1/chat/completions', async (request, reply) => {
      const parsed = parseChatRequest(request.body);
      if (!parsed.success) throw new GatewayError(400, parsed.message, 'invalid_request', parsed.param);
      const body = parsed.data;
      const controller = new AbortController();
      // the client went away: abort the upstream call (the adapter closes its connection)
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const call = { body, principal: request.principal!, headers: request.headers, signal: controller.signal };
      if (body.stream) return streamAnswer(reply, await gateway.stream(call), body);
      const answer = await gateway.complete(call);
      reply.headers({ ...groveHeaders(answer), 'x-grove-cost-usd': String(answer.costUsd) });
      return toChatCompletion(answer.result, { id: answer.id, created: answer.created, model: answer.model.metadata.id });
    });
  });
}

async function streamAnswer(reply: FastifyReply, answer: Awaited<ReturnType<Services['gateway']['stream']>>, body: ChatRequest): Promise<void> {
  const meta = { id: answer.id, created: answer.created, model: answer.model.metadata.id };
  const includeUsage = body.stream_options?.include_usage === true;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': String(reply.request.id), ...groveHeaders(answer) });
  raw.write(sseData(toRoleChunk(meta)));
  try {
    let step = await answer.deltas.next();
    while (!step.done) {
      const delta = step.value;
      if (delta.type !== 'usage' || includeUsage) raw.write(sseData(toChunk(delta, meta)));
      step = await answer.deltas.next();
    }
    // what this answer cost, for clients that read SSE comments; every SSE parser skips them
    raw.write(`: grove cost_usd=${step.value.costUsd}\n\n${SSE_DONE}`);
  } catch (error) {
    if (isUpstreamError(error) && error.kind !== 'aborted') raw.write(sseData(upstreamErrorToOpenAI(error).body));
  } finally {
    raw.end();
  }
}

function groveHeaders(answer: AnswerMeta): Record<string, string> {
  return { 'x-grove-model': answer.model.metadata.id, 'x-grove-decision-id': answer.id, 'x-grove-attempts': String(answer.attempts.filter((attempt) => attempt.outcome !== 'skipped').length) };
}

function sendError(reply: FastifyReply, error: GatewayError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(openAIErrorBody(error.status, error.message, error.type, error.code, error.param));
}

/** Anything thrown on /v1 becomes an OpenAI error object; only our own bugs are 500s. */
function toGatewayError(error: FastifyError | GatewayError, request: FastifyRequest, services: Services): GatewayError {
  if (error instanceof GatewayError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError(400, `We could not parse the JSON body of your request: ${error.message}`, 'invalid_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError(413, `The request body is larger than the limit of ${services.config.bodyLimitBytes} bytes.`, 'request_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(415, 'Send the request body as application/json.', 'unsupported_media_type');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new GatewayError(error.statusCode, error.message, error.code ?? null);
  if (error instanceof SyntaxError) return new GatewayError(400, `We could not parse the JSON body of your request: ${error.message}`, 'invalid_json');
  request.log.error({ err: error }, 'unexpected error on /v1');
  return new GatewayError(500, 'The server had an error while processing your request.', 'internal_error');
}

function ownerOf(provider: string): string {
  return provider === 'openai-compatible' ? 'openai-compatible' : provider;
}
