import type { FastifyInstance } from 'fastify';
import type { Problem } from '../errors';
import { renderProblemJson } from './render-problem-json';
import { locateYamlProblems } from './yaml-body';

/**
 * REST errors as problem JSON (RFC 9457). trpc-to-openapi answers with its own shape; this hook
 * rewrites it so /api callers get `{ type, title, status, detail, problems }`.
 */
export function registerRestErrors(scope: FastifyInstance): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    let body: { message?: string; code?: string; issues?: Array<{ path?: Array<string | number>; message: string }>; data?: { problems?: unknown } };
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    if (!body || typeof body !== 'object' || !('message' in body)) return payload;
    reply.header('content-type', 'application/problem+json; charset=utf-8');
    const problems = locateYamlProblems(request, body.issues?.map((issue) => ({ path: (issue.path ?? []).join('.'), message: issue.message })) ?? (body.data?.problems as Problem[] | undefined));
    return JSON.stringify(renderProblemJson(reply.statusCode, body.code, body.message, problems));
  });
}
