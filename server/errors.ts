import { DatabaseUnavailableError } from '../db/deadline';

export { DatabaseUnavailableError };
import { isDatabaseError } from '../db/errors';
import type { UpstreamError } from './adapters/errors';
import { defaultErrorType } from './openai/error-body';

/** One path-qualified problem with an input, as every API lists them. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * The one table from error code to HTTP status. The upper-case codes are tRPC's own names: the
 * domain's errors (the registry, the routers) use them, and an error's tRPC code is the upper-case
 * code of its status (TRPC_CODE_BY_STATUS). The lower-case codes are the /v1 API's, the `code` of
 * its OpenAI error objects, which clients match on.
 */
export const HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  // 424 (failed dependency) has no tRPC code: tRPC carries it as PRECONDITION_FAILED (its 412)
  PRECONDITION_FAILED: 424,
  TOO_MANY_REQUESTS: 429,
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL_SERVER_ERROR: 500,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,

  invalid_request: 400,
  invalid_json: 400,
  invalid_routing_requirements: 400,
  max_tokens_exceeded: 400,
  context_length_exceeded: 400,
  invalid_api_key: 401,
  insufficient_scope: 403,
  model_not_allowed: 403,
  model_not_found: 404,
  unknown_url: 404,
  request_too_large: 413,
  unsupported_media_type: 415,
  // the named model lacks configuration (its key): retrying cannot fix it, so a 4xx (see gateway.ts)
  model_unavailable: 424,
  rate_limit_exceeded: 429,
  internal_error: 500,
  database_unavailable: 503,
  no_eligible_model: 503,
  server_shutting_down: 503,

  // an upstream's failure, by kind (server/openai/error-body.ts); the status it is relayed with is
  // the UpstreamError's own (server/adapters/errors.ts), which for some kinds follows the upstream's
  upstream_auth_failed: 502,
  upstream_model_not_found: 502,
  upstream_connection_failed: 502,
  upstream_server_error: 502,
  upstream_overloaded: 503,
  upstream_timeout: 504,
  upstream_bad_request: 400,
  content_filter: 400,
  request_aborted: 499,
} as const satisfies Record<string, number>;

export type GroveErrorCode = keyof typeof HTTP_STATUS;

/** The upper-case codes: tRPC's names for statuses. */
export type TRPCErrorCode = Extract<GroveErrorCode, Uppercase<GroveErrorCode>>;

export const TRPC_CODE_BY_STATUS: ReadonlyMap<number, TRPCErrorCode> = new Map(
  (Object.entries(HTTP_STATUS) as Array<[GroveErrorCode, number]>).filter((entry): entry is [TRPCErrorCode, number] => /^[A-Z_]+$/.test(entry[0])).map(([code, status]) => [status, code]),
);

export interface GroveErrorDetails {
  /** the request field at fault, as OpenAI's error objects name it */
  param?: string | null;
  problems?: Problem[];
  /** OpenAI's error `type`; by default the one its API gives the status */
  type?: string;
  /** sent with the error on HTTP: retry-after, the x-grove-* headers of a failed request */
  headers?: Record<string, string>;
  /** the upstream failure this error reports */
  upstream?: UpstreamError;
}

/**
 * The one error of a request Grove refuses or cannot answer: the caller's mistake (with every
 * problem listed), a model that cannot serve, an upstream's failure. Its status comes from its
 * code (HTTP_STATUS); each edge renders it in its own format: an OpenAI error object on /v1
 * (server/http/render-openai-error.ts), a tRPC error on /trpc (server/http/render-trpc-error.ts),
 * problem JSON on /api (server/http/render-problem-json.ts).
 */
export class GroveError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly problems: Problem[];
  readonly type: string;
  readonly headers: Record<string, string>;
  readonly upstream?: UpstreamError;

  constructor(
    readonly code: GroveErrorCode,
    message: string,
    details: GroveErrorDetails = {},
  ) {
    super(message);
    this.name = 'GroveError';
    this.status = details.upstream?.status ?? HTTP_STATUS[code];
    this.param = details.param ?? null;
    this.problems = details.problems ?? [];
    this.type = details.type ?? defaultErrorType(this.status);
    this.headers = details.headers ?? {};
    this.upstream = details.upstream;
  }
}

export function invalid(problems: Problem[], message = 'invalid input'): GroveError {
  const summary = problems.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message)).join('; ');
  return new GroveError('BAD_REQUEST', `${message}: ${summary}`, { problems });
}

export function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

export function problemsFromZod(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix = ''): Problem[] {
  return issues.map((issue) => ({ path: prefix + (prefix && issue.path.length ? '.' : '') + pathOf(issue.path), message: issue.message }));
}

/** What every edge (tRPC, REST, /v1) answers 503 "database unavailable" for. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++, current = current.cause) {
    if (current instanceof DatabaseUnavailableError) return true;
  }
  return isDatabaseError(error);
}
