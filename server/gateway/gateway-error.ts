import type { UpstreamError } from '../adapters/errors';
import { GroveError, type GroveErrorCode } from '../errors';
import { upstreamErrorToOpenAI } from '../openai';

/** The name the gateway's error had before it became GroveError; kept for code that imports it. */
export { GroveError as GatewayError };

/**
 * An upstream's failure as the gateway reports it, with the status the UpstreamError chose.
 * `extraHeaders`: what the caller may still learn of a failed request (its decision id, to look it up).
 */
export function upstreamFailure(error: UpstreamError, extraHeaders: Record<string, string> = {}): GroveError {
  const { body, headers } = upstreamErrorToOpenAI(error);
  return new GroveError(body.error.code as GroveErrorCode, body.error.message, { type: body.error.type, headers: { ...headers, ...extraHeaders }, upstream: error });
}
