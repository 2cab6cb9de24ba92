import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import { probe } from '../db/deadline';
import { projectPath } from '../db/paths';
import { bearerToken } from './auth/keys';
import { appRouter, type AppRouter } from './router';
import type { Services } from './services';
import type { Context } from './trpc';
import { registerRestErrors } from './http/rest-errors';
import { registerYamlBodies } from './http/yaml-body';
import { registerJsonBodies } from './http/json-body';
import { registerV1 } from './http/v1';
import { registerPrometheus } from './http/prometheus-route';
import { createChatCompletionsHandler, isChatCompletions } from './http/chat-completions';
import { requestIdOf } from './http/request-id';
import { openApiDocument } from './http/openapi-document';
import { closeSilentConnectionsOnShutdown } from './http/silent-connections';

const defaultStaticDir = projectPath('dist', 'client');
const READY_PING_TIMEOUT_MS = 1_000;

/** The HTTP server: tRPC (HTTP + ws) at /trpc, REST at /api, health, and the console at `/`. */
export async function buildApp(services: Services) {
  const { config } = services;
  // The gateway's own route is served ahead of fastify's router (see ./http/chat-completions.ts);
  // everything else — the console, tRPC over HTTP and ws, REST, the rest of /v1 — is fastify's.
  const chatCompletions = createChatCompletionsHandler(services);
  let closeSilentConnections = () => {};
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer((request: IncomingMessage, response: ServerResponse) => {
        if (isChatCompletions(request)) chatCompletions(request, response);
        else handler(request, response);
      });
      server.keepAliveTimeout = 72_000; // fastify's default, longer than common client pools' idle time
      closeSilentConnections = closeSilentConnectionsOnShutdown(server);
      return server;
    },
    loggerInstance: services.logger,
    bodyLimit: config.bodyLimitBytes,
    genReqId: (request) => requestIdOf(request.headers),
    requestIdHeader: false,
    forceCloseConnections: false,
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // new gateway requests arriving while the server drains are told to go elsewhere, as fastify tells its own
  app.addHook('preClose', async () => {
    chatCompletions.close();
    closeSilentConnections();
  });
  // Before @fastify/websocket's own preClose closes every socket (it is registered after this):
  // running subscriptions finish, or end with an error their clients see; then clients are told
  // to reconnect elsewhere. Telling them first would cut their streams: the tRPC client closes
  // its socket as soon as it hears "reconnect".
  app.addHook('preClose', async () => {
    const { finished, ended } = await services.subscriptions.close(config.shutdownDrainMs);
    if (finished || ended) services.logger.info({ finished, ended }, 'subscriptions drained');
    broadcastReconnect(app);
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });

  const createContext = ({ req, info }: { req: { id?: string; headers: Record<string, string | string[] | undefined> }; info?: { connectionParams?: Record<string, string | undefined> | null } }): Context => {
    const header = (req.headers.authorization as string | undefined) ?? info?.connectionParams?.authorization ?? info?.connectionParams?.Authorization;
    return { services, principal: services.keys.authenticate(bearerToken(header)), requestId: req.id ?? randomUUID() };
  };

  // callers hear only "internal server error" (server/trpc.ts): the detail is here, with the request id
  const logInternalError = ({ error, path, ctx }: { error: TRPCError; path?: string; ctx?: Context }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') services.logger.error({ err: error.cause ?? error, path, requestId: ctx?.requestId }, 'trpc error');
  };
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    useWSS: true,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    trpcOptions: {
      router: appRouter,
      createContext,
      onError: logInternalError,
      responseMeta: noStoreForMetrics,
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  const document = openApiDocument(services.version);
  app.get('/api/openapi.json', async () => document);
  await app.register(async (scope) => {
    registerRestErrors(scope);
    registerJsonBodies(scope);
    registerYamlBodies(scope);
    await scope.register(fastifyTRPCOpenApiPlugin, { basePath: '/api', router: appRouter, createContext: ({ req }: { req: { id?: string; headers: Record<string, string | string[] | undefined> } }) => createContext({ req }), onError: logInternalError, responseMeta: noStoreForMetrics });
  });

  await registerV1(app as unknown as FastifyInstance, services);
  registerPrometheus(app as unknown as FastifyInstance, services);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    // a hung database must not hang the load balancer's probe: 'timeout' after a second
    const database = await probe(() => services.database.ping(), READY_PING_TIMEOUT_MS);
    const ready = database === 'reachable' && services.database.migrated;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, migrations: services.database.migrated ? 'applied' : 'pending' });
  });

  const staticDir = config.staticDir ?? defaultStaticDir;
  if (existsSync(staticDir)) {
    await app.register(fastifyStatic, { root: staticDir, wildcard: false, cacheControl: false, setHeaders: setConsoleCacheHeaders });
    // The console routes on the client side: any other GET that accepts HTML gets the app shell.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !/^\/(api|trpc|v1)\//.test(request.url) && request.headers.accept?.includes('text/html')) return reply.sendFile('index.html');
      return reply.code(404).send(notFoundBody(request.method, request.url));
    });
  } else {
    app.setNotFoundHandler((request, reply) => reply.code(404).send(notFoundBody(request.method, request.url)));
    app.get('/', async (_request, reply) => reply.type('text/html').send('<!doctype html><title>Grove</title><p>The console is not built: run <code>npm run build</code>.</p>'));
  }

  return app;
}

/**
 * The console's build names every file under assets/ by a hash of its content, so a browser may
 * keep those for a year without asking again; everything else (index.html, which names them) it
 * asks about each time, so a new build shows on the next load.
 */
function setConsoleCacheHeaders(response: { setHeader(name: string, value: string): unknown }, path: string): void {
  response.setHeader('cache-control', /[\\/]assets[\\/][^\\/]+-[\w-]{8}\.\w+$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** Live figures are never served from a cache: metrics.* and alerts.* answers carry `cache-control: no-store`, on /trpc and /api. */
function noStoreForMetrics({ paths }: { paths?: readonly string[] }): { headers?: Record<string, string> } {
  return paths?.length && paths.every((path) => path.startsWith('metrics.') || path.startsWith('alerts.')) ? { headers: { 'cache-control': 'no-store' } } : {};
}

/** Tells every ws client to reconnect (to another instance) before the server goes away. */
export function broadcastReconnect(app: Pick<FastifyInstance, "websocketServer">): void {
  const message = JSON.stringify({ id: null, method: 'reconnect' });
  for (const client of app.websocketServer?.clients ?? []) {
    if (client.readyState === client.OPEN) client.send(message);
  }
}

/** OpenAI's error shape for unknown /v1 URLs (clients parse it), a plain one elsewhere. */
function notFoundBody(method: string, url: string) {
  const path = url.split('?')[0];
  if (path?.startsWith('/v1/')) return { error: { message: `Unknown request URL: ${method} ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } };
  return { error: { message: `no route for ${method} ${path}`, type: 'not_found' } };
}
