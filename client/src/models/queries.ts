import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CORE_CAPABILITIES } from '../../../shared/objects';
import { useTRPC } from '../api/trpc';
import { asModel, asModels } from '../api/types';
import type { toListInput } from './filters';

export function useModelList(input: ReturnType<typeof toListInput> | Record<string, never>, options: { enabled?: boolean } = {}) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.models.list.queryOptions(input),
    select: (data) => asModels(data.items),
    placeholderData: keepPreviousData,
    enabled: options.enabled,
  });
}

export function useModel(id: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.models.get.queryOptions({ id }), select: asModel });
}

/** Core capabilities first, then the ones declared with `kind: Capability`. */
export function useCapabilityNames(): string[] {
  const trpc = useTRPC();
  const capabilities = useQuery(trpc.capabilities.list.queryOptions());
  const declared = (capabilities.data?.items ?? []).map((capability) => capability.metadata.id);
  return [...new Set<string>([...CORE_CAPABILITIES, ...declared])];
}
