import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../server/adapters/errors';
import { GroveError, HTTP_STATUS, TRPC_CODE_BY_STATUS, invalid, type GroveErrorCode } from '../../server/errors';
import { upstreamFailure } from '../../server/gateway/gateway-error';
import { renderOpenAIError } from '../../server/http/render-openai-error';
import { renderProblemJson } from '../../server/http/render-problem-json';
import { renderTRPCError, trpcErrorData } from '../../server/http/render-trpc-error';

describe('the code to status table', () => {
  it('gives each code its status', () => {
    const expected: Array<[GroveErrorCode, number]> = [
      ['BAD_REQUEST', 400],
      ['NOT_FOUND', 404],
      ['CONFLICT', 409],
      ['invalid_api_key', 401],
      ['insufficient_scope', 403],
      ['invalid_json', 400],
      ['request_too_large', 413],
      ['unsupported_media_type', 415],
      ['model_not_found', 404],
      ['model_unavailable', 424],
      ['rate_limit_exceeded', 429],
      ['no_eligible_model', 503],
      ['database_unavailable', 503],
      ['upstream_timeout', 504],
    ];
    for (const [code, status] of expected) expect([code, new GroveError(code, 'x').status]).toEqual([code, status]);
  });

  it('names every upper-case code as tRPC does, one per status, with the status tRPC gives it but for 424', () => {
    const upper = (Object.keys(HTTP_STATUS) as GroveErrorCode[]).filter((code) => /^[A-Z_]+$/.test(code));
    expect(TRPC_CODE_BY_STATUS.size).toBe(upper.length);
    for (const code of upper) {
      expect(TRPC_CODE_BY_STATUS.get(HTTP_STATUS[code])).toBe(code);
      // a real tRPC code (TRPCError refuses no code, so its status says it knows it)
      const trpcStatus = getHTTPStatusCodeFromError(new TRPCError({ code: code as TRPCError['code'] }));
      expect([code, trpcStatus]).toEqual([code, code === 'PRECONDITION_FAILED' ? 412 : HTTP_STATUS[code]]);
    }
  });

  it('gives an upstream failure the status its UpstreamError chose', () => {
    const failure = (kind: UpstreamError['kind'], upstreamStatus?: number) => upstreamFailure(new UpstreamError({ kind, message: 'm', provider: 'openai-compatible', modelId: 'm', upstreamStatus }));
    expect(failure('server', 507).status).toBe(507);
    expect(failure('bad_request', 422).status).toBe(422);
    expect(failure('timeout').status).toBe(504);
  });
});

interface Rendered {
  openai: { status: number; headers: Record<string, string>; body: unknown };
  trpc: { code: string; httpStatus: number; message: string; problems?: unknown; retryAfterSeconds?: number };
  problemJson: unknown;
}

/** The three renderings of one error, as each edge sends it (see each renderer's module). */
function renderThreeWays(error: GroveError): Rendered {
  const trpcError = renderTRPCError(error);
  const data = trpcErrorData(trpcError);
  const httpStatus = getHTTPStatusCodeFromError(trpcError);
  return {
    openai: { status: error.status, headers: error.headers, body: JSON.parse(renderOpenAIError(error)) },
    trpc: { code: trpcError.code, httpStatus, message: trpcError.message, ...definedOnly(data) },
    // /api is served by trpc-to-openapi: it sees the tRPC rendering, with tRPC's status
    problemJson: renderProblemJson(httpStatus, trpcError.code, trpcError.message, data.problems),
  };
}

function definedOnly(data: { problems?: unknown; retryAfterSeconds?: number }) {
  return { ...(data.problems ? { problems: data.problems } : {}), ...(data.retryAfterSeconds !== undefined ? { retryAfterSeconds: data.retryAfterSeconds } : {}) };
}

const problem = { path: 'spec.contextWindow', message: 'Expected number' };
const upstream422 = new UpstreamError({ kind: 'bad_request', message: 'openai-compatible m: unprocessable', provider: 'openai-compatible', modelId: 'm', upstreamStatus: 422 });
const upstream500 = new UpstreamError({ kind: 'server', message: 'openai-compatible m: boom', provider: 'openai-compatible', modelId: 'm', upstreamStatus: 500 });

const cases: Array<{ name: string; error: GroveError; expected: Rendered }> = [
  {
    name: 'an invalid object, with its problems',
    error: invalid([problem], 'invalid object'),
    expected: {
      openai: { status: 400, headers: {}, body: { error: { message: 'invalid object: spec.contextWindow: Expected number', type: 'invalid_request_error', param: null, code: 'BAD_REQUEST' } } },
      trpc: { code: 'BAD_REQUEST', httpStatus: 400, message: 'invalid object: spec.contextWindow: Expected number', problems: [problem] },
      problemJson: { type: 'about:blank', title: 'BAD_REQUEST', status: 400, detail: 'invalid object: spec.contextWindow: Expected number', problems: [problem] },
    },
  },
  {
    name: 'a missing object',
    error: new GroveError('NOT_FOUND', 'Model "ghost" not found'),
    expected: {
      openai: { status: 404, headers: {}, body: { error: { message: 'Model "ghost" not found', type: 'not_found_error', param: null, code: 'NOT_FOUND' } } },
      trpc: { code: 'NOT_FOUND', httpStatus: 404, message: 'Model "ghost" not found' },
      problemJson: { type: 'about:blank', title: 'NOT_FOUND', status: 404, detail: 'Model "ghost" not found' },
    },
  },
  {
    name: 'an unknown model, naming its param',
    error: new GroveError('model_not_found', 'The model `ghost` does not exist', { param: 'model' }),
    expected: {
      openai: { status: 404, headers: {}, body: { error: { message: 'The model `ghost` does not exist', type: 'not_found_error', param: 'model', code: 'model_not_found' } } },
      trpc: { code: 'NOT_FOUND', httpStatus: 404, message: 'The model `ghost` does not exist' },
      problemJson: { type: 'about:blank', title: 'NOT_FOUND', status: 404, detail: 'The model `ghost` does not exist' },
    },
  },
  {
    name: 'a model without its key: 424 on /v1, PRECONDITION_FAILED (412) on tRPC',
    error: new GroveError('model_unavailable', 'no key', { param: 'model' }),
    expected: {
      openai: { status: 424, headers: {}, body: { error: { message: 'no key', type: 'invalid_request_error', param: 'model', code: 'model_unavailable' } } },
      trpc: { code: 'PRECONDITION_FAILED', httpStatus: 412, message: 'no key' },
      problemJson: { type: 'about:blank', title: 'PRECONDITION_FAILED', status: 412, detail: 'no key' },
    },
  },
  {
    name: 'a rate limit, with its wait',
    error: new GroveError('rate_limit_exceeded', 'slow down', { headers: { 'retry-after': '7' } }),
    expected: {
      openai: { status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } } },
      trpc: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, message: 'slow down', retryAfterSeconds: 7 },
      problemJson: { type: 'about:blank', title: 'TOO_MANY_REQUESTS', status: 429, detail: 'slow down' },
    },
  },
  {
    name: 'a bad key, typed as OpenAI types it',
    error: new GroveError('invalid_api_key', 'Incorrect API key provided.', { type: 'invalid_request_error' }),
    expected: {
      openai: { status: 401, headers: {}, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } },
      trpc: { code: 'UNAUTHORIZED', httpStatus: 401, message: 'Incorrect API key provided.' },
      problemJson: { type: 'about:blank', title: 'UNAUTHORIZED', status: 401, detail: 'Incorrect API key provided.' },
    },
  },
  {
    name: "an upstream's 422: the upstream's status, and tRPC's name for it (it was INTERNAL_SERVER_ERROR)",
    error: upstreamFailure(upstream422, { 'x-grove-attempts': '1' }),
    expected: {
      openai: { status: 422, headers: { 'x-grove-attempts': '1' }, body: { error: { message: 'openai-compatible m: unprocessable', type: 'invalid_request_error', param: null, code: 'upstream_bad_request' } } },
      trpc: { code: 'UNPROCESSABLE_CONTENT', httpStatus: 422, message: 'openai-compatible m: unprocessable' },
      problemJson: { type: 'about:blank', title: 'UNPROCESSABLE_CONTENT', status: 422, detail: 'openai-compatible m: unprocessable' },
    },
  },
  {
    name: "an upstream's 500",
    error: upstreamFailure(upstream500),
    expected: {
      openai: { status: 500, headers: {}, body: { error: { message: 'openai-compatible m: boom', type: 'server_error', param: null, code: 'upstream_server_error' } } },
      trpc: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, message: 'openai-compatible m: boom' },
      problemJson: { type: 'about:blank', title: 'INTERNAL_SERVER_ERROR', status: 500, detail: 'openai-compatible m: boom' },
    },
  },
];

describe('one error rendered three ways', () => {
  it.each(cases)('$name', ({ error, expected }) => {
    expect(renderThreeWays(error)).toEqual(expected);
  });
});
