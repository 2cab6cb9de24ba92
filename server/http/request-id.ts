import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The id a request is known by in logs and in its answer's `x-request-id`: the caller's own, when
 * it sent one of 1 to 200 characters, else a new UUID. Both the gateway route and the fastify
 * routes use it, so every answer echoes the same way.
 */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const value = headers['x-request-id'];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : randomUUID();
}
