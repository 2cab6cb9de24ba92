import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/keys';
import { GroveError } from '../errors';
import type { Services } from '../services';
import { authenticate, sendError, toV1Error } from './v1-edge';

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
    scope.setErrorHandler((error, request, reply) => sendError(reply, toV1Error(error, request.log, request.id)));

    scope.addHook('onRequest', async (request) => {
      request.principal = authenticate(services, request.headers);
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
        throw new GroveError('model_not_found', registered ? `The model \`${id}\` is not available to this key: it has no API key configured or is not active (see the console)` : `The model \`${id}\` does not exist`, { param: 'model' });
      }
      return { id, object: 'model', created: Math.floor(Date.parse(services.startedAt) / 1000), owned_by: model ? ownerOf(model.spec.provider) : 'grove' };
    });
  });
}

function ownerOf(provider: string): string {
  return provider === 'openai-compatible' ? 'openai-compatible' : provider;
}
