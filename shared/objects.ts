import { z } from 'zod';
import { describedAs } from './described-as';

/**
 * GroveObjects: everything an operator declares. The field names here are a public contract:
 * users' YAML files depend on them (see README "Objects").
 */

export const API_VERSION = 'grove/v1';
export const CORE_CAPABILITIES = ['reasoning', 'creativity', 'precision', 'speed', 'context'] as const;
export type CoreCapability = (typeof CORE_CAPABILITIES)[number];

export const PROVIDERS = ['anthropic', 'gemini', 'openai-compatible', 'simulated'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const LIFECYCLES = ['draft', 'active', 'deprecated', 'retired'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

/**
 * The label that marks a demo model (the seeded `simulated` ones, examples/models.yaml). A demo
 * model serves only in demo mode (while no other model can serve) or when a request, a rule or a
 * fallback list names it, so that it never answers real traffic by accident.
 */
export const DEMO_LABEL = 'grove.dev/demo';

export function isDemoModel(model: { metadata: { labels?: Record<string, string> } }): boolean {
  return model.metadata.labels?.[DEMO_LABEL] === 'true';
}

export const KINDS = ['Model', 'Capability', 'RoutingPolicy', 'AlertRule'] as const;
export type Kind = (typeof KINDS)[number];

export const objectId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit');

export const capabilityName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lowercase name of at most 32 characters');

export const metadataSchema = z
  .object({
    id: objectId,
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    labels: z.record(z.string().regex(/^[a-z0-9][a-z0-9._/-]{0,62}$/, 'invalid label key'), z.string().max(200)).optional(),
  })
  .strict();
export type Metadata = z.infer<typeof metadataSchema>;

/**
 * A secret as the operator writes it: read from the server's environment, or a value stored
 * encrypted. `{ set: true }` (what export prints) keeps the value already stored, so that
 * export → apply round-trips without ever revealing a secret.
 */
export const secretInputSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
  z.object({ value: z.string().min(1, 'must not be empty').max(4096) }).strict(),
  z.object({ set: z.literal(true), last4: z.string().optional() }).strict(),
]);
export type SecretInput = z.infer<typeof secretInputSchema>;

/** A secret as any endpoint returns it: never the value, only that it is set and its last 4 characters. */
export const secretViewSchema = z.union([
  z.object({ env: z.string() }).strict(),
  z.object({ set: z.literal(true), last4: z.string() }).strict(),
]);
export type SecretView = z.infer<typeof secretViewSchema>;

const score = z.number().int('must be a whole number').min(0).max(100);

export const capabilityScoresSchema = z
  .object({
    reasoning: score,
    creativity: score,
    precision: score,
    speed: score,
    context: score,
  })
  .catchall(score);
export type CapabilityScores = z.infer<typeof capabilityScoresSchema>;

export const pricingSchema = z
  .object({
    inputPer1M: z.number().min(0).max(100_000),
    outputPer1M: z.number().min(0).max(100_000),
  })
  .strict();
export type Pricing = z.infer<typeof pricingSchema>;

/** Behaviour of a `simulated` model: in-process, for demos and load tests. */
export const simulationSchema = z
  .object({
    latencyMs: z
      .object({ p50: z.number().min(0).max(600_000), p99: z.number().min(0).max(600_000) })
      .strict()
      .refine((l) => l.p99 >= l.p50, { message: 'p99 must be at least p50' })
      .default({ p50: 300, p99: 900 }),
    tokensPerSecond: z.number().positive().max(100_000).default(80),
    errorRate: z.number().min(0).max(1).default(0),
    seed: z.number().int().optional(),
  })
  .strict();
export type Simulation = z.infer<typeof simulationSchema>;

const baseUrl = z
  .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
  // overwrite, not transform: the type stays a string, so the OpenAPI document can describe it
  .overwrite((u) => u.replace(/\/+$/, ''));

const modelSpecFields = {
  provider: z.enum(PROVIDERS),
  model: z.string().min(1).max(200),
  baseUrl: baseUrl.optional(),
  capabilities: capabilityScoresSchema,
  contextWindow: z.number().int().positive().max(100_000_000),
  maxOutputTokens: z.number().int().positive().max(10_000_000),
  pricing: pricingSchema,
  timeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  fallbacks: z.array(objectId).max(16).default([]),
  aliases: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, 'invalid alias')).max(32).default([]),
  lifecycle: z.enum(LIFECYCLES).default('draft'),
  replacement: objectId.nullable().default(null),
  headers: z.record(z.string(), z.string()).optional(),
  simulation: simulationSchema.optional(),
};

/**
 * Cross-field checks. They also run when some fields are invalid (`when` below), so that one
 * answer lists every problem; hence the defensive reads of a spec that may not have parsed.
 */
function checkModelSpec(spec: Record<string, unknown>, ctx: z.RefinementCtx) {
  if (spec.lifecycle === 'retired' && !spec.replacement) {
    ctx.addIssue({ code: 'custom', path: ['replacement'], message: 'a retired model must name its replacement' });
  }
  if (typeof spec.maxOutputTokens === 'number' && typeof spec.contextWindow === 'number' && spec.maxOutputTokens > spec.contextWindow) {
    ctx.addIssue({ code: 'custom', path: ['maxOutputTokens'], message: 'must not exceed contextWindow' });
  }
  if (Array.isArray(spec.fallbacks) && new Set(spec.fallbacks).size !== spec.fallbacks.length) {
    ctx.addIssue({ code: 'custom', path: ['fallbacks'], message: 'must not repeat a model' });
  }
}

const evenIfInvalid = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

/** The Model spec as an operator writes it (apiKey given as env name or value). */
export const modelSpecInputSchema = z
  .object({ ...modelSpecFields, apiKey: secretInputSchema.optional() })
  .strict()
  .superRefine((spec, ctx) => checkModelSpec(spec, ctx), evenIfInvalid);
export type ModelSpecInput = z.input<typeof modelSpecInputSchema>;
export type ModelSpecParsed = z.output<typeof modelSpecInputSchema>;

/** The Model spec as the server returns it (secret values redacted). */
export const modelSpecViewSchema = z.object({ ...modelSpecFields, apiKey: secretViewSchema.optional() }).strict();
export type ModelSpec = z.output<typeof modelSpecViewSchema>;

export const capabilitySpecSchema = z
  .object({
    description: z.string().max(2000).optional(),
    /** the score a model that does not declare this capability is assumed to have */
    defaultScore: score.default(0),
  })
  .strict();
export type CapabilitySpec = z.output<typeof capabilitySpecSchema>;

/** What the server observed, read-only. */
export const statusSchema = z.object({
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ObjectStatus = z.output<typeof statusSchema>;

/** The fields every kind's input schema shares: `{ ...objectEnvelope, kind: z.literal(KIND), spec }`. */
export const objectEnvelope = {
  apiVersion: z.literal(API_VERSION, { message: `apiVersion must be "${API_VERSION}"` }),
  metadata: metadataSchema,
  /** read-only; accepted on input (so export → apply works) and ignored */
  status: describedAs(statusSchema).optional(),
};

export const modelObjectInputSchema = z
  .object({ ...objectEnvelope, kind: z.literal('Model'), spec: modelSpecInputSchema })
  .strict()
  .superRefine((object, ctx) => {
    const id = (object.metadata as { id?: unknown } | undefined)?.id;
    const spec = (object.spec ?? {}) as { fallbacks?: unknown; replacement?: unknown };
    if (typeof id !== 'string') return;
    if (Array.isArray(spec.fallbacks) && spec.fallbacks.includes(id)) ctx.addIssue({ code: 'custom', path: ['spec', 'fallbacks'], message: 'a model cannot be its own fallback' });
    if (spec.replacement === id) ctx.addIssue({ code: 'custom', path: ['spec', 'replacement'], message: 'a model cannot replace itself' });
  }, evenIfInvalid);
export type ModelObjectInput = z.input<typeof modelObjectInputSchema>;

export const capabilityObjectInputSchema = z
  .object({ ...objectEnvelope, kind: z.literal('Capability'), spec: capabilitySpecSchema })
  .strict();

/** A GroveObject of any kind as the registry holds it; each kind's precise view is below. */
export interface GroveObject<K extends Kind = Kind, S = Record<string, unknown>> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: Metadata;
  spec: S;
  status: ObjectStatus;
}

/** A Model as every endpoint returns it: secrets redacted, status read-only. */
export const modelObjectSchema = z
  .object({ apiVersion: z.literal(API_VERSION), kind: z.literal('Model'), metadata: metadataSchema, spec: modelSpecViewSchema, status: statusSchema })
  .meta({ id: 'Model' });
export type ModelObject = z.output<typeof modelObjectSchema>;

export const capabilityObjectSchema = z
  .object({ apiVersion: z.literal(API_VERSION), kind: z.literal('Capability'), metadata: metadataSchema, spec: capabilitySpecSchema, status: statusSchema })
  .meta({ id: 'Capability' });
export type CapabilityObject = z.output<typeof capabilityObjectSchema>;
