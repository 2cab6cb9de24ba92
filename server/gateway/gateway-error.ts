import type { UpstreamError } from '../adapters/errors';
import { defaultErrorType, upstreamErrorToOpenAI } from '../openai';

/**
 * A request the gateway cannot answer, in neutral form: /v1 renders it as an OpenAI error object,
 * tRPC as a TRPCError. `upstream` is set when the cause was the upstream's failure.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly type: string = defaultErrorType(status),
    readonly headers: Record<string, string> = {},
    readonly upstream?: UpstreamError,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** `extraHeaders`: what the caller may still learn of a failed request (its decision id, to look it up). */
  static fromUpstream(error: UpstreamError, extraHeaders: Record<string, string> = {}): GatewayError {
    const { status, body, headers } = upstreamErrorToOpenAI(error);
    return new GatewayError(status, body.error.message, body.error.code, null, body.error.type, { ...headers, ...extraHeaders }, error);
  }
}
