import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../auth/keys';
import { mayReadMetrics } from '../auth/may-invoke';
import type { Services } from '../services';
import { createPrometheusRegistry } from '../telemetry/prometheus';
import { renderProblemJson } from './render-problem-json';

/**
 * `GET /metrics` in Prometheus' text format, for an admin key or a key with the `metrics` scope
 * (a scraper sends it as `authorization: Bearer …`, Prometheus' `authorization` setting). Refusals
 * are problem JSON, as on /api.
 */
export function registerPrometheus(app: FastifyInstance, services: Services): void {
  const registry = createPrometheusRegistry({
    totals: services.telemetry.aggregator.totals,
    requestLog: () => services.requestLog.stats(),
    rollups: () => services.telemetry.writer.stats(),
    listenerErrors: () => services.listenerErrors.count,
    webhooks: () => services.webhooks.stats,
  });
  app.get('/metrics', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const principal = services.keys.authenticate(bearerToken(request.headers.authorization));
    if (!principal) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .type('application/problem+json; charset=utf-8')
        .send(renderProblemJson(401, 'UNAUTHORIZED', 'missing or invalid API key: send Authorization: Bearer <key> (an admin key or one with the "metrics" scope)', undefined));
    }
    if (!mayReadMetrics(principal)) {
      return reply.code(403).type('application/problem+json; charset=utf-8').send(renderProblemJson(403, 'FORBIDDEN', 'this key lacks the "metrics" scope', undefined));
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
