import { Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTRPC, useTRPCClient } from '../../api/trpc';
import type { PolicyRevision } from '../../api/types';
import { POLICY_ID, specYamlLines } from '../../routing/policy-yaml';
import { RevisionHistoryPanel } from '../RevisionHistory/RevisionHistory';

const toLines = (revision: PolicyRevision) => specYamlLines(revision.spec);

/** The policy's revisions, any two side by side, and rollback as a new revision (policies.put with the old spec). */
export function PolicyHistory({ currentRevision }: { currentRevision: number | null }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const history = useQuery({ ...trpc.policies.history.queryOptions({ id: POLICY_ID }), enabled: currentRevision !== null });
  const rollback = useCallback(
    async (revision: PolicyRevision) => (await client.policies.put.mutate({ id: POLICY_ID, revision: currentRevision ?? undefined, spec: revision.spec })).status.revision,
    [client, currentRevision],
  );

  if (currentRevision === null) return <Text size="sm">The built-in policy is in force: it has no history. Saving a policy makes revision 1.</Text>;
  return (
    <RevisionHistoryPanel
      history={history}
      subject={`the ${POLICY_ID} policy`}
      currentRevision={currentRevision}
      toLines={toLines}
      rollback={rollback}
      onRollbackSettled={() => queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() })}
      effect="The next request is routed by it."
    />
  );
}
