import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { mayInvoke } from '../auth/may-invoke';
import { bearerToken, type Principal } from '../auth/keys';
import { GroveError, TRPC_CODE_BY_STATUS, type GroveErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { renderOpenAIError } from './render-openai-error';
import { unexpectedError } from './unexpected-error';

export { requestIdOf } from './request-id';

/**
 * What every /v1 route does alike — /v1/chat/completions on Node's own request (./chat-completions.ts)
 * and the rest on fastify (./v1.ts): who the caller is, and how an error is written.
 */

/** The key from `Authorization: Bearer`, checked against the in-memory key snapshot; it must be one that may call models. */
export function authenticate(services: Pick<Services, 'keys'>, headers: IncomingHttpHeaders): Principal {
  const { authorization } = headers;
  const principal = services.keys.authenticate(bearerToken(authorization));
  if (!principal) {
    const message = authorization ? 'Incorrect API key provided.' : "You didn't provide an API key. Send it as Authorization: Bearer <key>.";
    throw new GroveError('invalid_api_key', message, { type: 'invalid_request_error' });
  }
  if (!mayInvoke(principal)) throw new GroveError('insufficient_scope', 'This key may not call models.');
  return principal;
}

const errorType = 'application/json; charset=utf-8';

/** An OpenAI error object on Node's own response, with the request's id; a stream that already started can only end. */
export function writeError(response: ServerResponse, requestId: string, error: GroveError): void {
  if (response.headersSent) {
    if (!response.writableEnded) response.end();
    return;
  }
  const payload = renderOpenAIError(error);
  response.writeHead(error.status, { ...error.headers, 'content-type': errorType, 'content-length': Buffer.byteLength(payload), 'x-request-id': requestId });
  response.end(payload);
}

/** The same on a fastify route, whose reply adds the request id (server/app.ts) and logs the answer. */
export function sendError(reply: FastifyReply, error: GroveError): FastifyReply {
  return reply.code(error.status).headers(error.headers).type(errorType).send(renderOpenAIError(error));
}

/** /v1's codes for the request errors fastify finds itself (its own codes, FST_ERR_*, name its internals). */
const codeByFastifyStatus: Partial<Record<number, GroveErrorCode>> = { 400: 'invalid_request', 404: 'unknown_url', 413: 'request_too_large', 415: 'unsupported_media_type' };

/** Anything thrown on /v1 as a GroveError: the caller's own 4xx as such, else see ./unexpected-error.ts. */
export function toV1Error(error: unknown, logger: Pick<Logger, 'error'>, requestId: string): GroveError {
  if (error instanceof GroveError) return error;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new GroveError(codeByFastifyStatus[status] ?? TRPC_CODE_BY_STATUS.get(status) ?? 'BAD_REQUEST', (error as Error).message);
  }
  return unexpectedError(error, logger, requestId);
}
