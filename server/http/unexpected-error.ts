import { isDatabaseUnavailable } from '../errors';
import { GatewayError } from '../gateway/gateway-error';
import type { Logger } from '../logger';

/**
 * What a /v1 caller hears of an error that is not a GatewayError: a failing database is a 503
 * "database unavailable", anything else our own bug, a 500. Either way the detail (a query, a
 * host and port, a stack) goes to the server log with the request id, never to the caller.
 */
export function unexpectedError(error: unknown, logger: Pick<Logger, 'error'>, requestId: string): GatewayError {
  if (isDatabaseUnavailable(error)) {
    logger.error({ err: error, requestId }, 'database unavailable');
    return new GatewayError(503, 'database unavailable', 'database_unavailable', null, 'service_unavailable');
  }
  logger.error({ err: error, requestId }, 'unexpected error on /v1');
  return new GatewayError(500, 'The server had an error while processing your request.', 'internal_error');
}
