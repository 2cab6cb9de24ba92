import { GroveError, isDatabaseUnavailable } from '../errors';
import type { Logger } from '../logger';

/**
 * What a /v1 caller hears of an error that is not a GroveError: a failing database is a 503
 * "database unavailable", anything else our own bug, a 500. Either way the detail (a query, a
 * host and port, a stack) goes to the server log with the request id, never to the caller.
 */
export function unexpectedError(error: unknown, logger: Pick<Logger, 'error'>, requestId: string): GroveError {
  if (isDatabaseUnavailable(error)) {
    logger.error({ err: error, requestId }, 'database unavailable');
    return new GroveError('database_unavailable', 'database unavailable', { type: 'service_unavailable' });
  }
  logger.error({ err: error, requestId }, 'unexpected error on /v1');
  return new GroveError('internal_error', 'The server had an error while processing your request.');
}
