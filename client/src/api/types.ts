import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../server/router';
import type { CapabilityObject, ModelObject } from '../../../shared/objects';

type Outputs = inferRouterOutputs<AppRouter>;

export type Whoami = Outputs['auth']['whoami'];
export type ModelRevision = Outputs['models']['history']['items'][number];

/**
 * The models router declares its output with the kind-agnostic `groveObjectSchema` (spec and status
 * as records), so the precise shape comes from shared/objects, the schema the server validates with.
 */
export type ModelItem = ModelObject;
export type CapabilityItem = CapabilityObject;

type GroveObjectOutput = Outputs['models']['get'];

export function asModel(object: GroveObjectOutput): ModelItem {
  return object as unknown as ModelItem;
}

export function asModels(objects: GroveObjectOutput[]): ModelItem[] {
  return objects as unknown as ModelItem[];
}
