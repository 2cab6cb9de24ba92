import { classifyHttpError, classifyStreamError, kindFromStatus, parseRetryAfter, parseRetryDelay, readErrorBody } from '../../server/adapters/classify-error';
import { UpstreamError, isRetryable, isUpstreamError, type UpstreamErrorKind } from '../../server/adapters/errors';
import { fixtureText } from '../fakes';

const context = { provider: 'anthropic' as const, modelId: 'claude' };
const noHeaders = new Headers();

describe('error classification (pure)', () => {
  it.each([
    [400, 'bad_request'],
    [401, 'auth'],
    [402, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [408, 'timeout'],
    [409, 'server'],
    [413, 'bad_request'],
    [422, 'bad_request'],
    [429, 'rate_limit'],
    [500, 'server'],
    [502, 'server'],
    [503, 'overloaded'],
    [504, 'timeout'],
    [529, 'overloaded'],
  ])('status %i → %s', (status, kind) => {
    expect(kindFromStatus(status)).toBe(kind);
  });

  it.each<[UpstreamErrorKind, boolean, number]>([
    ['auth', false, 502],
    ['not_found', false, 502],
    ['bad_request', false, 400],
    ['content_filter', false, 400],
    ['aborted', false, 499],
    ['rate_limit', true, 429],
    ['overloaded', true, 503],
    ['timeout', true, 504],
    ['connection', true, 502],
    ['server', true, 502],
  ])('%s: retryable %s, reported as %i', (kind, retryable, status) => {
    expect(isRetryable(kind)).toBe(retryable);
    const error = new UpstreamError({ kind, message: 'm', provider: 'gemini', modelId: 'g' });
    expect(error).toMatchObject({ retryable, status, midStream: false, name: 'UpstreamError' });
    expect(isUpstreamError(error)).toBe(true);
    expect(isUpstreamError(new Error('x'))).toBe(false);
  });

  it('keeps 5xx and 413/422 statuses as they are', () => {
    expect(new UpstreamError({ kind: 'server', message: 'm', provider: 'anthropic', modelId: 'c', upstreamStatus: 500 }).status).toBe(500);
    expect(new UpstreamError({ kind: 'bad_request', message: 'm', provider: 'anthropic', modelId: 'c', upstreamStatus: 413 }).status).toBe(413);
  });

  it('reads retry-after as seconds, an HTTP date, or retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '20' }), now)).toBe(20_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': ' ' }), now)).toBeUndefined();
    expect(parseRetryAfter(noHeaders, now)).toBeUndefined();
    expect(parseRetryDelay('43s')).toBe(43_000);
    expect(parseRetryDelay('1.5s')).toBe(1500);
    expect(parseRetryDelay('soon')).toBeUndefined();
  });

  it('reads all three providers error bodies', () => {
    expect(readErrorBody(JSON.parse(fixtureText('anthropic', 'error-529.json')))).toEqual({ message: 'Overloaded', types: ['overloaded_error'] });
    expect(readErrorBody(JSON.parse(fixtureText('gemini', 'error-429.json')))).toMatchObject({ types: ['RESOURCE_EXHAUSTED'], retryDelay: '43s' });
    expect(readErrorBody(JSON.parse(fixtureText('openai', 'error-429.json')))).toMatchObject({ types: ['rate_limit_exceeded', 'requests'] });
    expect(readErrorBody({ message: 'flat' })).toEqual({ message: 'flat', types: [] });
    expect(readErrorBody('nope')).toEqual({ types: [] });
  });

  it('classifies a non-JSON body by status, quoting the body', () => {
    const error = classifyHttpError(context, 502, noHeaders, '<html>Bad Gateway</html>');
    expect(error).toMatchObject({ kind: 'server', status: 502, upstreamStatus: 502, retryable: true });
    expect(error.message).toBe('anthropic claude: <html>Bad Gateway</html>');
    expect(classifyHttpError(context, 500, noHeaders, '').message).toBe('anthropic claude: HTTP 500');
  });

  it('lets the body sharpen a catch-all status but never contradict a definite one', () => {
    const body = (type: string) => JSON.stringify({ type: 'error', error: { type, message: 'm' } });
    expect(classifyHttpError(context, 500, noHeaders, body('overloaded_error')).kind).toBe('overloaded');
    expect(classifyHttpError(context, 500, noHeaders, body('invalid_request_error')).kind).toBe('server');
    expect(classifyHttpError(context, 401, noHeaders, body('invalid_request_error')).kind).toBe('auth');
  });

  it('classifies stream error payloads, always as mid-stream', () => {
    expect(classifyStreamError(context, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toMatchObject({ kind: 'overloaded', midStream: true });
    expect(classifyStreamError(context, { error: { code: 504, message: 'late' } }).kind).toBe('timeout');
    expect(classifyStreamError(context, { error: {} })).toMatchObject({ kind: 'server', message: 'anthropic claude: error in stream' });
  });
});
