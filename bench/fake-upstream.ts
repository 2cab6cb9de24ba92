import { createServer, type ServerResponse } from 'node:http';

/**
 * The fast fake OpenAI-compatible upstream the benchmark measures against: a fixed chat
 * completion, or a short SSE stream, answered as fast as Node can. Its own cost is the same for
 * every target, so it cancels out of the "added latency" figures.
 * Behaviour per request from the path: /fail-503/v1, /fail-429/v1, /hang/v1, /flaky-30/v1 (30% 503).
 * A stream request with `bench_pace_ms` in its body (gateways pass unknown fields through) gets 20
 * text events that many ms apart, each in its own write, as a model sends its tokens.
 */
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});
const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
/** The finish, the usage chunk (include_usage) and [DONE]: how every stream ends. */
const streamEnd = (completionTokens: number) =>
  chunk({}, 'stop') +
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: completionTokens, total_tokens: 12 + completionTokens } })}\n\n` +
  'data: [DONE]\n\n';
const stream = chunk({ role: 'assistant', content: '' }, null) + ['Hello', '!', ' How', ' can', ' I', ' help', '?'].map((text) => chunk({ content: text }, null)).join('') + streamEnd(7);
const overloaded = JSON.stringify({ error: { message: 'The server is overloaded', type: 'server_error', param: null, code: null } });
const limited = JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } });

const pacedEvents = [chunk({ role: 'assistant', content: '' }, null), ...Array.from({ length: 20 }, (_, index) => chunk({ content: ` token${index}` }, null))];
const pacedEnd = streamEnd(20);

/** The role and 20 text events, `paceMs` apart, then the finish, the usage and [DONE]. */
function paced(response: ServerResponse, paceMs: number): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  let next = 0;
  const send = () => {
    if (response.destroyed) return;
    if (next === pacedEvents.length) {
      response.end(pacedEnd);
      return;
    }
    response.write(pacedEvents[next++]);
    setTimeout(send, paceMs);
  };
  send();
}

let counter = 0;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (data: Buffer) => chunks.push(data));
  request.on('end', () => {
    const url = request.url ?? '';
    if (url.startsWith('/hang/')) return; // never answers: the gateway's timeout must cut it
    if (url.startsWith('/fail-503/') || (url.startsWith('/flaky-30/') && (counter++ * 7) % 10 < 3)) {
      response.writeHead(503, { 'content-type': 'application/json' }).end(overloaded);
      return;
    }
    if (url.startsWith('/fail-429/')) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end(limited);
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { stream?: boolean; bench_pace_ms?: number };
    if (body.stream && body.bench_pace_ms) return paced(response, body.bench_pace_ms);
    if (body.stream) response.writeHead(200, { 'content-type': 'text/event-stream' }).end(stream);
    else response.writeHead(200, { 'content-type': 'application/json' }).end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
