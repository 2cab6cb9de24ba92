import { Alert, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { stringify } from 'yaml';
import { useTRPC, useTRPCClient } from '../../api/trpc';
import { describeError } from '../../api/errors';
import type { ModelRevision } from '../../api/types';
import { orderedModelSpec } from '../../models/spec-order';
import { RevisionDiff, type DiffableRevision, type RevisionDiffProps } from '../RevisionDiff/RevisionDiff';
import { RevisionTable, type ListedRevision } from '../RevisionTable/RevisionTable';

/** Any object's history: its revisions, newest first, then any two side by side with rollback. */
export function RevisionHistoryPanel<R extends ListedRevision & DiffableRevision>({ history, ...diff }: { history: UseQueryResult<{ items: R[] }, unknown> } & Omit<RevisionDiffProps<R>, 'revisions'>) {
  if (history.isPending) return <Skeleton height={120} aria-label="Loading history" />;
  if (history.isError)
    return (
      <Alert color="red" role="alert" title="Could not load the history">
        {describeError(history.error)}
      </Alert>
    );
  // newest first: the last change is what an operator looks for
  const revisions = [...history.data.items].sort((a, b) => b.revision - a.revision);
  if (revisions.length === 0) return <Text c="dimmed">No revisions recorded.</Text>;
  return (
    <Stack gap="lg">
      <RevisionTable revisions={revisions} />
      <Title order={3} size="h5">
        Compare revisions
      </Title>
      <RevisionDiff revisions={revisions} {...diff} />
    </Stack>
  );
}

const yamlLines = (revision: ModelRevision) => stringify({ metadata: revision.metadata, spec: orderedModelSpec(revision.spec) }).trimEnd().split('\n');

export function RevisionHistory({ modelId, currentRevision }: { modelId: string; currentRevision: number }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.models.history.queryOptions({ id: modelId }));
  const rollback = useCallback(
    async (revision: ModelRevision) => (await client.models.rollback.mutate({ id: modelId, toRevision: revision.revision, revision: currentRevision })).status.revision,
    [client, modelId, currentRevision],
  );
  return (
    <RevisionHistoryPanel
      history={history}
      subject={modelId}
      currentRevision={currentRevision}
      toLines={yamlLines}
      rollback={rollback}
      onRollbackSettled={() => queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() })}
      effect="Traffic follows the new spec at once."
    />
  );
}
