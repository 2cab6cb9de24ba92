import { fixtureJson, fixtureText, hasFixture, splitSseEvents } from './fixtures';
import { startFakeUpstream, type FakeOptions, type FakeUpstream, type Protocol } from './fake-upstream';

const errorShapes: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  413: { type: 'invalid_request_error', code: null },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

export function openAIErrorFixture(status: number): unknown {
  if (hasFixture('openai', `error-${status}.json`)) return fixtureJson('openai', `error-${status}.json`);
  const shape = errorShapes[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  return { error: { message: `fake error ${status}`, type: shape.type, param: null, code: shape.code } };
}

const stream = fixtureText('openai', 'stream-include-usage.sse');
const protocol: Protocol = {
  route(request) {
    if (request.method === 'GET' && request.url === '/v1/models') return { status: 200, body: fixtureJson('openai', 'models.json') };
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') return { status: 404, body: openAIErrorFixture(404) };
    return { stream: (request.body as { stream?: unknown } | undefined)?.stream === true };
  },
  authorized: (headers) => typeof headers.authorization === 'string' && headers.authorization.startsWith('Bearer '),
  errorBody: openAIErrorFixture,
  json: fixtureText('openai', 'response.json'),
  sse: stream,
  // OpenAI and compatible servers (vLLM, OpenRouter) send a failure inside a stream as a data event with an error object.
  midStreamSse: `${splitSseEvents(stream).slice(0, 2).join('')}data: ${JSON.stringify(openAIErrorFixture(500))}\n\n`,
};

/** A loopback OpenAI API: POST /v1/chat/completions and GET /v1/models; `url` includes /v1. */
export function startFakeOpenAI(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(protocol, { basePath: '/v1', ...options });
}
