import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/keys';
import { GatewayError } from '../gateway/gateway-error';
import { openAIErrorBody } from '../openai';
import type { Services } from '../services';
import { authenticate } from './chat-completions';
import { unexpectedError } from './unexpected-error';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * The OpenAI-compatible API's model list, /v1/models, exactly in the OpenAI wire format, errors
 * included. /v1/chat/completions runs ahead of fastify (./chat-completions.ts) with the same rules.
 */
export async function registerV1(app: FastifyInstance, services: Services): Promise<void> {
  const { gateway } = services;

  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, request, reply) => sendError(reply, toGatewayError(error, request)));

    scope.addHook('onRequest', async (request) => {
      request.principal = authenticate(services, request);
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
      if (!model && id !== 'auto') {
        // registered but not usable by this key (no key configured, a draft, retired): say so, not "does not exist"
        const registered = services.registry.snapshot.modelIdByName.has(id);
        throw new GatewayError(404, registered ? `The model \`${id}\` is not available to this key: it has no API key configured or is not active (see the console)` : `The model \`${id}\` does not exist`, 'model_not_found', 'model');
      }
      return { id, object: 'model', created: Math.floor(Date.parse(services.startedAt) / 1000), owned_by: model ? ownerOf(model.spec.provider) : 'grove' };
    });
  });
}

function sendError(reply: FastifyReply, error: GatewayError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(openAIErrorBody(error.status, error.message, error.type, error.code, error.param));
}

/** Anything thrown on /v1 becomes an OpenAI error object (see ./unexpected-error.ts). */
function toGatewayError(error: FastifyError | GatewayError, request: FastifyRequest): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new GatewayError(error.statusCode, error.message, error.code ?? null);
  return unexpectedError(error, request.log, request.id);
}

function ownerOf(provider: string): string {
  return provider === 'openai-compatible' ? 'openai-compatible' : provider;
}
