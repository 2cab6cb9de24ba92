import { fixtureJson, fixtureText, hasFixture, splitSseEvents } from './fixtures';
import { startFakeUpstream, type FakeOptions, type FakeUpstream, type Protocol } from './fake-upstream';

// google.rpc canonical codes, as the Gemini API answers (ai.google.dev troubleshooting): used when no golden exists.
const canonical: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

export function geminiErrorBody(status: number): unknown {
  if (hasFixture('gemini', `error-${status}.json`)) return fixtureJson('gemini', `error-${status}.json`);
  return { error: { code: status, message: `fake error ${status}`, status: canonical[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT') } };
}

const routePattern = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent\?alt=sse)$/;

const stream = fixtureText('gemini', 'stream.sse');
const protocol: Protocol = {
  route(request) {
    const match = request.method === 'POST' ? routePattern.exec(request.url) : null;
    if (!match) return { status: 404, body: geminiErrorBody(404) };
    return { stream: match[2] !== 'generateContent' };
  },
  authorized: (headers) => Boolean(headers['x-goog-api-key']),
  errorBody: geminiErrorBody,
  streamErrorContentType: 'text/event-stream',
  json: fixtureText('gemini', 'response.json'),
  sse: stream,
  // Gemini reports a failure inside an SSE stream as a data event holding a google.rpc.Status.
  midStreamSse: `${splitSseEvents(stream).slice(0, 2).join('')}data: ${JSON.stringify(geminiErrorBody(503))}\r\n\r\n`,
};

/** A loopback Gemini API: /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse, x-goog-api-key required. */
export function startFakeGemini(options: FakeOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream(protocol, options);
}
