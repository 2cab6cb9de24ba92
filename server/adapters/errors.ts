import type { UPSTREAM_ERROR_KINDS } from '../../shared/decision';
import type { ProviderName } from './types';

/** Every upstream failure, normalised. The failover loop reads only `kind` and `retryable`. */
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];

/** The one place that decides whether another attempt (on this model or the next) may succeed. */
export function isRetryable(kind: UpstreamErrorKind): boolean {
  return kind === 'rate_limit' || kind === 'overloaded' || kind === 'timeout' || kind === 'connection' || kind === 'server';
}

export interface UpstreamErrorInit {
  kind: UpstreamErrorKind;
  message: string;
  provider: ProviderName;
  modelId: string;
  /** The status the upstream answered with, when there was an HTTP answer. */
  upstreamStatus?: number;
  retryAfterMs?: number;
  midStream?: boolean;
  cause?: unknown;
}

/**
 * The status Grove reports to its own client. Faults of Grove's configuration (the upstream
 * rejects our key, or does not know the model) are 502: the client's own request and key are fine.
 */
function reportedStatus(kind: UpstreamErrorKind, upstreamStatus: number | undefined): number {
  switch (kind) {
    case 'timeout':
      return 504;
    case 'connection':
    case 'auth':
    case 'not_found':
      return 502;
    case 'aborted':
      return 499;
    case 'rate_limit':
      return 429;
    case 'overloaded':
      return 503;
    case 'bad_request':
      return upstreamStatus === 413 || upstreamStatus === 422 ? upstreamStatus : 400;
    case 'content_filter':
      return 400;
    case 'server':
      return upstreamStatus !== undefined && upstreamStatus >= 500 && upstreamStatus < 600 ? upstreamStatus : 502;
  }
}

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly kind: UpstreamErrorKind;
  readonly status: number;
  readonly upstreamStatus?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly provider: ProviderName;
  readonly modelId: string;
  /** True once the stream yielded a delta: the answer has begun, so it can no longer fail over. */
  midStream: boolean;

  constructor(init: UpstreamErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.upstreamStatus = init.upstreamStatus;
    this.status = reportedStatus(init.kind, init.upstreamStatus);
    this.retryable = isRetryable(init.kind);
    this.retryAfterMs = init.retryAfterMs;
    this.provider = init.provider;
    this.modelId = init.modelId;
    this.midStream = init.midStream ?? false;
  }
}

export function isUpstreamError(value: unknown): value is UpstreamError {
  return value instanceof UpstreamError;
}
