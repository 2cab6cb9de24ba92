import { fixtureJson, fixtureText, hasFixture } from './fixtures';
import { startFakeUpstream, type FakeOptions, type FakeUpstream, type Protocol } from './fake-upstream';

// Status → error.type, from Anthropic's docs (see the wire SOURCES): used when no golden exists.
const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorBody(status: number): unknown {
  if (hasFixture('anthropic', `error-${status}.json`)) return fixtureJson('anthropic', `error-${status}.json`);
  const type = errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: `fake error ${status}` }, request_id: 'req_fake' };
}

const protocol: Protocol = {
  route(request) {
    if (request.method !== 'POST' || request.url !== '/v1/messages') return { status: 404, body: anthropicErrorBody(404) };
    return { stream: (request.body as { stream?: unknown } | undefined)?.stream === true };
  },
  authorized: (headers) => Boolean(headers['x-api-key']) && headers['anthropic-version'] === '2023-06-01',
  errorBody: anthropicErrorBody,
  json: fixtureText('anthropic', 'response.json'),
  sse: fixtureText('anthropic', 'stream.sse'),
  midStreamSse: fixtureText('anthropic', 'stream-error.sse'),
};

/** A loopback Anthropic Messages API: POST /v1/messages, x-api-key + anthropic-version required. */
export function startFakeAnthropic(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(protocol, options);
}
