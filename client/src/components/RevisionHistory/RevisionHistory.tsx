import { Alert, Skeleton, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { describeError } from '../../api/errors';
import { formatDateTime } from '../../models/format';

export function RevisionHistory({ modelId }: { modelId: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.models.history.queryOptions({ id: modelId }));
  // revisions name the acting key by id; the key list turns that into the name an operator gave it
  const keys = useQuery(trpc.keys.list.queryOptions());
  const keyNames = new Map((keys.data?.items ?? []).map((key) => [key.id, key.name]));

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
    <Table aria-label="Revision history" striped verticalSpacing="xs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col" w={100}>Revision</Table.Th>
          <Table.Th scope="col">When</Table.Th>
          <Table.Th scope="col">Who</Table.Th>
          <Table.Th scope="col">Action</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {revisions.map((revision) => (
          <Table.Tr key={revision.revision}>
            <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{revision.revision}</Table.Td>
            <Table.Td>{formatDateTime(revision.createdAt)}</Table.Td>
            <Table.Td>
              {keyNames.has(revision.actor) && <Text size="sm">{keyNames.get(revision.actor)}</Text>}
              <Text size={keyNames.has(revision.actor) ? 'xs' : 'sm'} ff="monospace" c={keyNames.has(revision.actor) ? 'dimmed' : undefined}>
                {revision.actor}
              </Text>
            </Table.Td>
            <Table.Td>{revision.action}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
