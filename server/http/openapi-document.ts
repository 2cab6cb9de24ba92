import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { z } from 'zod';
import { appRouter } from '../router';

/** RFC 9457 problem details, as /api answers every error (./render-problem-json.ts). */
const problemJsonSchema = z.object({
  type: z.literal('about:blank'),
  /** the error's tRPC code: BAD_REQUEST, NOT_FOUND, CONFLICT, … */
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  /** every problem with the input, each at its path */
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/**
 * The OpenAPI document of /api: every procedure with `meta.openapi`, its request and response
 * bodies as their schemas in shared/ describe them. Errors are described as problem JSON, which
 * /api answers (./rest-errors.ts), not in trpc-to-openapi's own error shape.
 */
export function openApiDocument(version: string): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Grove management API',
    description: 'REST view of the tRPC procedures. Authenticate with Authorization: Bearer <admin key>.',
    version,
    baseUrl: '/api',
    defs: { ProblemJson: problemJsonSchema },
  });
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem as Record<string, { responses?: Record<string, { content?: unknown }> }>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400 && response.content) response.content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemJson' } } };
      }
    }
  }
  const schemas = document.components?.schemas ?? {};
  for (const name of Object.keys(schemas)) if (name.startsWith('error.')) delete schemas[name];
  return document;
}
