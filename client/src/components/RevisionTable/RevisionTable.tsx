import { Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';

export interface ListedRevision {
  revision: number;
  createdAt: string;
  actor: string;
  action: string;
}

/** An object's revisions, newest first as given: number, when, who (by key name where known) and what. */
export function RevisionTable({ revisions }: { revisions: ListedRevision[] }) {
  const trpc = useTRPC();
  const { format } = useReportingTimeZone();
  // revisions name the acting key by id; the key list turns that into the name an operator gave it
  const keys = useQuery(trpc.keys.list.queryOptions());
  const keyNames = new Map((keys.data?.items ?? []).map((key) => [key.id, key.name]));
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
            <Table.Td>
              <time dateTime={revision.createdAt}>{format(revision.createdAt)}</time>
            </Table.Td>
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
