import type { Scope } from '../../server/auth/keys';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app';
import type { Logger } from '../../server/logger';
import type { Services } from '../../server/services';
import { ADMIN_KEY, startTestServices, type TestServices } from './services';

/**
 * A whole Grove on loopback for the data-plane suites: real services (PGlite or PostgreSQL), the
 * real HTTP app on 127.0.0.1 port 0, an invoke key, and models applied through the registry, so
 * that requests travel the same path as in production and only the upstreams are fakes.
 */
export interface GatewayHarness {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  adminKey: string;
  invokeKey: string;
  services: Services;
  grove: TestServices;
  /** applies GroveObjects (models, policies) as the admin; in force for the next request */
  apply(...objects: unknown[]): Promise<void>;
  /** a key with its own scopes and limit */
  createKey(input: { scopes: Scope[]; rateLimitPerMinute?: number }): Promise<string>;
  close(): Promise<void>;
}

/** `seed`: start as a new install does, with examples/models.yaml applied (demo models included). */
export async function startGateway(options: { driver?: 'pglite' | 'postgres'; env?: Record<string, string>; objects?: unknown[]; logger?: Logger; seed?: boolean } = {}): Promise<GatewayHarness> {
  const grove = await startTestServices({ driver: options.driver, env: options.env, logger: options.logger, seed: options.seed });
  const { services } = grove;
  const app = await buildApp(services);
  let url: string;
  try {
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await grove.close();
    throw error;
  }
  const apply = async (...objects: unknown[]) => {
    if (objects.length) await services.registry.apply('test', objects);
  };
  const createKey = async (input: { scopes: Scope[]; rateLimitPerMinute?: number }) => (await services.keys.create({ name: `test ${input.scopes.join('+')}`, ...input })).key;
  await apply(...(options.objects ?? []));
  const invokeKey = await createKey({ scopes: ['invoke'] });
  return {
    url: url.replace('localhost', '127.0.0.1'),
    adminKey: ADMIN_KEY,
    invokeKey,
    services,
    grove,
    apply,
    createKey,
    async close() {
      await app.close();
      await grove.close();
    },
  };
}

export type FakeProvider = 'openai-compatible' | 'anthropic' | 'gemini' | 'simulated';

/** An active Model; `spec` overrides merge in. Pricing is 2 / 8 USD per 1M so costs are checkable. */
export function gatewayModel(id: string, provider: FakeProvider, baseUrl: string | undefined, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id, title: `Model ${id}` },
    spec: {
      provider,
      model: provider === 'gemini' ? 'gemini-2.0-flash' : `${id}-upstream`,
      ...(baseUrl ? { baseUrl } : {}),
      ...(provider === 'simulated' ? { simulation: { latencyMs: { p50: 2, p99: 5 }, tokensPerSecond: 20_000, errorRate: 0 } } : { apiKey: { value: `sk-test-${id}` } }),
      capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 },
      contextWindow: 100_000,
      maxOutputTokens: 8_000,
      pricing: { inputPer1M: 2, outputPer1M: 8 },
      timeoutMs: 5_000,
      lifecycle: 'active',
      ...spec,
    },
  };
}

export function routingPolicy(spec: Record<string, unknown>, id = 'default') {
  return { apiVersion: 'grove/v1', kind: 'RoutingPolicy', metadata: { id }, spec };
}

/** A loopback URL where nothing listens: connecting to it is refused. */
export async function refusedUrl(path = ''): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

/** A parsed response body of any shape, read by tests field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of many shapes, asserted field by field
export type LooseJson = Record<string, any>;

/** fetch with a bearer key and a JSON body; returns status, headers and the parsed body. */
export async function postJson(url: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as LooseJson };
}

export const hello = [{ role: 'user' as const, content: 'Hello' }];

/** Unique ids per test, so circuit state never leaks between tests sharing one Grove. */
let counter = 0;
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
