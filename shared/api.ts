import { z } from 'zod';
import { capabilityObjectInputSchema, capabilityObjectSchema, capabilitySpecSchema, KINDS, LIFECYCLES, metadataSchema, modelObjectInputSchema, modelObjectSchema, modelSpecViewSchema, PROVIDERS } from './objects';
import type { CapabilityObject, GroveObject, Kind, ModelObject } from './objects';
import { routingPolicyObjectInputSchema, routingPolicyObjectSchema, routingPolicySpecSchema, type RoutingPolicyObject } from './policy';
import { alertRuleObjectInputSchema, alertRuleObjectSchema, alertRuleSpecViewSchema, type AlertRuleObject } from './alerts';

/** Schemas of what crosses the registry's API: GroveObjects as it returns them, and its other bodies. */

/** Each kind's object as every endpoint returns it. */
export interface ObjectsByKind {
  Model: ModelObject;
  Capability: CapabilityObject;
  RoutingPolicy: RoutingPolicyObject;
  AlertRule: AlertRuleObject;
}
/**
 * The kinds the registry stores, in the order an export lists them: each after the kinds it refers
 * to (models name capabilities; policies and alert rules name models), so an export applies cleanly.
 */
export const VIEW_KINDS = ['Capability', 'Model', 'RoutingPolicy', 'AlertRule'] as const satisfies ReadonlyArray<keyof ObjectsByKind>;
export type ObjectOf<K extends Kind> = K extends keyof ObjectsByKind ? ObjectsByKind[K] : GroveObject<K>;

/** A GroveObject of any kind, as every endpoint returns it. */
export const groveObjectSchema = z.discriminatedUnion('kind', [modelObjectSchema, capabilityObjectSchema, routingPolicyObjectSchema, alertRuleObjectSchema]).meta({ id: 'GroveObject' });
export type GroveObjectView = z.output<typeof groveObjectSchema>;

/** A GroveObject of any kind as an operator writes it (what apply takes). */
export const groveObjectInputSchema = z.discriminatedUnion('kind', [modelObjectInputSchema, capabilityObjectInputSchema, routingPolicyObjectInputSchema, alertRuleObjectInputSchema]);

const modelShape = modelObjectInputSchema.shape;
/** A Model as models.create takes it: the envelope fields the route implies may be left out. */
export const modelObjectBodySchema = z.object({ ...modelShape, apiVersion: modelShape.apiVersion.optional(), kind: modelShape.kind.optional() });
/** …and as models.update does: the id comes from the route. */
export const modelObjectUpdateBodySchema = modelObjectBodySchema.extend({ metadata: modelShape.metadata.optional() });

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

/** One revision of an object: who changed it, when, and its spec then (secrets redacted). */
export function revisionSchema<S extends z.ZodType>(spec: S) {
  return z.object({
    revision: z.number().int(),
    /** create, update, delete, rollback, or a lifecycle transition */
    action: z.string(),
    actor: z.string(),
    createdAt: z.string(),
    metadata: metadataSchema,
    spec,
  });
}
export const modelRevisionSchema = revisionSchema(modelSpecViewSchema);
export const policyRevisionSchema = revisionSchema(routingPolicySpecSchema);
export const alertRuleRevisionSchema = revisionSchema(alertRuleSpecViewSchema);
export const anyRevisionSchema = revisionSchema(z.union([modelSpecViewSchema, capabilitySpecSchema, routingPolicySpecSchema, alertRuleSpecViewSchema]));
export type Revision<S> = Omit<z.output<typeof anyRevisionSchema>, 'spec'> & { spec: S };

export const applyResultSchema = z.object({
  kind: z.enum(KINDS),
  id: z.string(),
  action: z.enum(['created', 'updated', 'unchanged']),
  revision: z.number(),
});
