import { UpstreamError, isRetryable, type UpstreamErrorKind } from './errors';
import { redactSecrets } from './redact';
import type { ModelTarget, ProviderName } from './types';

export interface ErrorContext {
  provider: ProviderName;
  modelId: string;
  /** the model's key, only to take it out of upstream text (see upstreamMessage) */
  apiKey?: string;
}

/** What an adapter's errors name and redact, from the model it calls. */
export function errorContext(target: ModelTarget): ErrorContext {
  return { provider: target.provider, modelId: target.id, apiKey: target.apiKey };
}

/**
 * The one place an UpstreamError's message is built from text the upstream (or a parser reading
 * it) wrote: the model's key and anything credential-shaped are taken out (./redact.ts).
 */
export function upstreamMessage(context: ErrorContext, detail: string): string {
  return `${context.provider} ${context.modelId}: ${redactSecrets(detail, context.apiKey)}`;
}

export function kindFromStatus(status: number): UpstreamErrorKind {
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500 || status === 409) return 'server';
  return 'bad_request';
}

// Anthropic error.type, Gemini error.status (google.rpc canonical codes), OpenAI error.code.
const kindByProviderType: Record<string, UpstreamErrorKind> = {
  invalid_request_error: 'bad_request',
  request_too_large: 'bad_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  billing_error: 'auth',
  not_found_error: 'not_found',
  rate_limit_error: 'rate_limit',
  api_error: 'server',
  overloaded_error: 'overloaded',
  timeout_error: 'timeout',
  INVALID_ARGUMENT: 'bad_request',
  FAILED_PRECONDITION: 'bad_request',
  OUT_OF_RANGE: 'bad_request',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  INTERNAL: 'server',
  UNKNOWN: 'server',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  content_filter: 'content_filter',
  content_policy_violation: 'content_filter',
  invalid_api_key: 'auth',
  model_not_found: 'not_found',
  rate_limit_exceeded: 'rate_limit',
};

interface ErrorBodyFields {
  message?: string;
  types: string[];
  retryDelay?: string;
}

/** Reads the three providers' error bodies: {type,error:{type,message}}, {error:{code,status,message,details}}, {error:{type,code,message}}. */
export function readErrorBody(body: unknown): ErrorBodyFields {
  const fields: ErrorBodyFields = { types: [] };
  const outer = asRecord(body);
  const inner = asRecord(outer?.error);
  if (!inner) {
    if (typeof outer?.message === 'string') fields.message = outer.message;
    return fields;
  }
  if (typeof inner.message === 'string') fields.message = inner.message;
  for (const key of ['code', 'status', 'type']) {
    if (typeof inner[key] === 'string') fields.types.push(inner[key]);
  }
  if (Array.isArray(inner.details)) {
    for (const detail of inner.details) {
      const retryDelay = asRecord(detail)?.retryDelay;
      if (typeof retryDelay === 'string') fields.retryDelay = retryDelay;
    }
  }
  return fields;
}

/** `retry-after-ms`, or `retry-after` as seconds or an HTTP date. */
/** What the classifier reads of response headers; fetch's Headers and our UpstreamResponse both fit. */
export interface HeaderReader {
  get(name: string): string | null;
}

export function parseRetryAfter(headers: HeaderReader, now = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && Number.isFinite(Number(milliseconds))) return Math.max(0, Number(milliseconds));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Gemini's RetryInfo.retryDelay, a protobuf Duration in JSON: "43s", "1.5s". */
export function parseRetryDelay(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/**
 * The status decides, and the body may only sharpen a catch-all: a 400 that is really a content
 * filter, a 5xx that is really an overload. (OpenAI says invalid_request_error on 401 and 404 too.)
 */
function refineKind(statusKind: UpstreamErrorKind, types: string[]): UpstreamErrorKind {
  const bodyKind = types.map((type) => kindByProviderType[type]).find((kind) => kind !== undefined);
  if (bodyKind === undefined) return statusKind;
  if (statusKind === 'bad_request') return bodyKind;
  if (statusKind === 'server' && isRetryable(bodyKind)) return bodyKind;
  return statusKind;
}

export function classifyHttpError(
  context: ErrorContext,
  status: number,
  headers: HeaderReader,
  bodyText: string,
  midStream = false,
): UpstreamError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  const fields = readErrorBody(body);
  const kind = refineKind(kindFromStatus(status), fields.types);
  const detail = fields.message ?? (bodyText.trim().slice(0, 200) || `HTTP ${status}`);
  return new UpstreamError({
    kind,
    message: upstreamMessage(context, detail),
    provider: context.provider,
    modelId: context.modelId,
    upstreamStatus: status,
    retryAfterMs: parseRetryAfter(headers) ?? parseRetryDelay(fields.retryDelay),
    midStream,
  });
}

/** An error object that arrived inside a stream (Anthropic `event: error`, an OpenAI or Gemini `data: {"error":…}`). */
export function classifyStreamError(context: ErrorContext, payload: unknown): UpstreamError {
  const fields = readErrorBody(payload);
  const code = asRecord(asRecord(payload)?.error)?.code;
  const kindFromBody = fields.types.map((type) => kindByProviderType[type]).find((kind) => kind !== undefined);
  const kind = kindFromBody ?? (typeof code === 'number' ? kindFromStatus(code) : 'server');
  return new UpstreamError({
    kind,
    message: upstreamMessage(context, fields.message ?? 'error in stream'),
    provider: context.provider,
    modelId: context.modelId,
    retryAfterMs: parseRetryDelay(fields.retryDelay),
    midStream: true,
  });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
