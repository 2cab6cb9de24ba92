import { z } from 'zod';
import { KINDS, LIFECYCLES, PROVIDERS, statusSchema } from './objects';

/** Schemas of what crosses the API that are not GroveObjects themselves. */

export const groveObjectSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.enum(KINDS),
    metadata: z.object({ id: z.string(), title: z.string().optional(), description: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }),
    spec: z.record(z.string(), z.unknown()),
    status: statusSchema,
  })
  .meta({ id: 'GroveObject' });

export const listModelsInputSchema = z
  .object({
    provider: z.enum(PROVIDERS).optional(),
    lifecycle: z.enum(LIFECYCLES).optional(),
    /** `key=value` */
    label: z.string().regex(/^[^=]+=.*$/, 'must be key=value').optional(),
    capability: z.string().optional(),
    minScore: z.coerce.number().min(0).max(100).optional(),
    search: z.string().max(200).optional(),
    sort: z.string().default('id'),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .default({ sort: 'id', order: 'asc' });
export type ListModelsInput = Partial<z.output<typeof listModelsInputSchema>>;

export const historyEntrySchema = z.object({
  revision: z.number(),
  action: z.string(),
  actor: z.string(),
  createdAt: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  spec: z.unknown(),
});

export const applyResultSchema = z.object({
  kind: z.enum(KINDS),
  id: z.string(),
  action: z.enum(['created', 'updated', 'unchanged']),
  revision: z.number(),
});
