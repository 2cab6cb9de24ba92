import { z } from 'zod';
import { PROVIDERS } from './objects';

/** models.testConnection: a draft model's endpoint, called once through its real adapter. */

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const connectionTestInputSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    model: z.string().min(1, 'name the upstream model').max(200),
    baseUrl: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
    apiKey: z.union([z.object({ env: envName }).strict(), z.object({ value: z.string().min(1, 'must not be empty').max(4096) }).strict()]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** the whole test, connecting included; the model's own timeout is often a minute, far too long to wait here */
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .strict();
export type ConnectionTestInput = z.input<typeof connectionTestInputSchema>;

/**
 * What went wrong, in the words an operator fixes it by: `network` (nothing answered at that
 * address), `wrong_format` (something answered, but not the provider's protocol), `no_key` (the
 * named environment variable is not set on the Grove server), `rejected` (the upstream refused the
 * request itself), `upstream_error` (it failed on its side).
 */
export const CONNECTION_PROBLEM_KINDS = ['auth', 'not_found', 'network', 'rate_limit', 'wrong_format', 'timeout', 'no_key', 'rejected', 'upstream_error'] as const;
export type ConnectionProblemKind = (typeof CONNECTION_PROBLEM_KINDS)[number];

export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  /** what was sent, the key replaced by [redacted]; null when nothing was (no key, or an in-process model) */
  request: z
    .object({
      method: z.string(),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      /** the JSON body as sent, indented for reading */
      body: z.string(),
    })
    .nullable(),
  answer: z
    .object({
      text: z.string().nullable(),
      model: z.string(),
      finishReason: z.string(),
      usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }),
    })
    .nullable(),
  problem: z
    .object({
      kind: z.enum(CONNECTION_PROBLEM_KINDS),
      title: z.string(),
      message: z.string(),
      hint: z.string(),
      upstreamStatus: z.number().int().nullable(),
    })
    .nullable(),
});
export type ConnectionTestResult = z.output<typeof connectionTestResultSchema>;
