import type { UpstreamError, UpstreamErrorKind } from '../adapters/errors';
import type { GroveErrorCode } from '../errors';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIErrorBody(
  status: number,
  message: string,
  type: string = defaultErrorType(status),
  code: string | null = null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function defaultErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

const typeByKind: Record<UpstreamErrorKind, { type: string; code: GroveErrorCode }> = {
  auth: { type: 'upstream_error', code: 'upstream_auth_failed' },
  not_found: { type: 'upstream_error', code: 'upstream_model_not_found' },
  rate_limit: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  overloaded: { type: 'server_error', code: 'upstream_overloaded' },
  timeout: { type: 'timeout_error', code: 'upstream_timeout' },
  connection: { type: 'upstream_error', code: 'upstream_connection_failed' },
  bad_request: { type: 'invalid_request_error', code: 'upstream_bad_request' },
  content_filter: { type: 'invalid_request_error', code: 'content_filter' },
  server: { type: 'server_error', code: 'upstream_server_error' },
  aborted: { type: 'invalid_request_error', code: 'request_aborted' },
};

export interface OpenAIErrorResponse {
  status: number;
  body: OpenAIErrorBody;
  /** retry-after in whole seconds, when the upstream told us how long to wait. */
  headers: Record<string, string>;
}

export function upstreamErrorToOpenAI(error: UpstreamError): OpenAIErrorResponse {
  const { type, code } = typeByKind[error.kind];
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  return { status: error.status, body: openAIErrorBody(error.status, error.message, type, code), headers };
}
