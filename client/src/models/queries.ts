import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CORE_CAPABILITIES } from '../../../shared/objects';
import { useTRPC } from '../api/trpc';
import type { toListInput } from './filters';

export function useModelList(input: ReturnType<typeof toListInput> | Record<string, never>, options: { enabled?: boolean; refetchInterval?: number } = {}) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.models.list.queryOptions(input),
    select: (data) => data.items,
    placeholderData: keepPreviousData,
    enabled: options.enabled,
    refetchInterval: options.refetchInterval,
  });
}

export function useModel(id: string) {
  const trpc = useTRPC();
  return useQuery(trpc.models.get.queryOptions({ id }));
}

/**
 * The score routing gives a model that leaves a declared capability out (the Capability's
 * `defaultScore`), by capability; the core five have none: every model scores them.
 */
export function useCapabilityDefaults(): Record<string, number> {
  const trpc = useTRPC();
  const capabilities = useQuery(trpc.capabilities.list.queryOptions());
  return Object.fromEntries((capabilities.data?.items ?? []).map((capability) => [capability.metadata.id, capability.spec.defaultScore]));
}

/** Core capabilities first, then the ones declared with `kind: Capability`. */
export function useCapabilityNames(): string[] {
  const trpc = useTRPC();
  const capabilities = useQuery(trpc.capabilities.list.queryOptions());
  const declared = (capabilities.data?.items ?? []).map((capability) => capability.metadata.id);
  return [...new Set<string>([...CORE_CAPABILITIES, ...declared])];
}
