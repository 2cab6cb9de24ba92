import { fixtureText, splitSseEvents } from './fixtures';
import type { BehaviorSource, RecordedRequest } from './fake-upstream';

/**
 * Behaviors of an upstream that quotes back the credential it received, as real ones do ("Incorrect
 * API key provided: sk-…", whole or masked): in a 401 or 400 error body, or in an error event in
 * the middle of a stream. For the suites that check the operator's key never reaches a client,
 * the request log or the server log.
 */
export type EchoProvider = 'openai-compatible' | 'anthropic' | 'gemini';
export type EchoFailure = 'unauthorized' | 'bad-request' | 'mid-stream';

/** The key as each provider takes it: Bearer, x-api-key, x-goog-api-key or Gemini's `?key=`. */
export function credentialOf(request: RecordedRequest): string {
  const { authorization } = request.headers;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
  for (const name of ['x-api-key', 'x-goog-api-key']) {
    const value = request.headers[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return new URL(request.url, 'http://upstream').searchParams.get('key') ?? '';
}

/** As OpenAI prints a key it refuses: its first characters, stars, its last four. */
function masked(key: string): string {
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

function errorBody(provider: EchoProvider, failure: Exclude<EchoFailure, 'mid-stream'>, key: string): unknown {
  const unauthorized = failure === 'unauthorized';
  switch (provider) {
    case 'openai-compatible':
      return unauthorized
        ? { error: { message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }
        : { error: { message: `Invalid request for key ${masked(key)} (sent as Authorization: Bearer ${key})`, type: 'invalid_request_error', param: null, code: null } };
    case 'anthropic':
      return { type: 'error', error: { type: unauthorized ? 'authentication_error' : 'invalid_request_error', message: `invalid x-api-key: ${key}` }, request_id: 'req_fake' };
    case 'gemini':
      return unauthorized
        ? { error: { code: 401, message: `API key not valid: ${key}. Please pass a valid API key.`, status: 'UNAUTHENTICATED' } }
        : { error: { code: 400, message: `Request to https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=${key}&alt=json is invalid`, status: 'INVALID_ARGUMENT' } };
  }
}

/** The golden stream up to its first text, then the provider's error event quoting the key. */
function midStreamSse(provider: EchoProvider, key: string): string {
  const message = `stream failed for API key ${key}`;
  if (provider === 'anthropic') {
    const events = splitSseEvents(fixtureText('anthropic', 'stream.sse'));
    const firstText = events.findIndex((event) => event.includes('content_block_delta'));
    return `${events.slice(0, firstText + 1).join('')}event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message } })}\n\n`;
  }
  if (provider === 'gemini') {
    const events = splitSseEvents(fixtureText('gemini', 'stream.sse'));
    return `${events.slice(0, 1).join('')}data: ${JSON.stringify({ error: { code: 503, message, status: 'UNAVAILABLE' } })}\r\n\r\n`;
  }
  const events = splitSseEvents(fixtureText('openai', 'stream-include-usage.sse'));
  return `${events.slice(0, 2).join('')}data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`;
}

export function echoCredential(provider: EchoProvider, failure: EchoFailure): BehaviorSource {
  return (request) => {
    const key = credentialOf(request);
    if (failure === 'mid-stream') return { sse: midStreamSse(provider, key) };
    return { status: failure === 'unauthorized' ? 401 : 400, errorBody: errorBody(provider, failure, key) };
  };
}
