import { Alert, Code, Paper, Skeleton, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';

/** Retention as the server applies it; set in its environment, so shown read-only with the variable to change. */
export function RetentionPanel() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.system.settings.queryOptions());
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb={4}>
        Data retention
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Older data is deleted every hour. Set in the Grove server&apos;s environment (read-only here): change the variable and restart Grove.
      </Text>
      {settings.isPending ? (
        <Skeleton h={80} aria-label="Loading retention" />
      ) : settings.isError ? (
        <Alert color="red" role="alert" title="Could not load the retention settings">
          {describeError(settings.error)}
        </Alert>
      ) : (
        <Table aria-label="Data retention" withTableBorder={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Data</Table.Th>
              <Table.Th scope="col">Kept for</Table.Th>
              <Table.Th scope="col">Set by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>Metrics history (charts, totals, cost); older ranges cannot be queried</Table.Td>
              <Table.Td data-testid="retention-metrics">{settings.data.retention.metricsDays} days</Table.Td>
              <Table.Td>
                <Code>{settings.data.retention.variables.metricsDays}</Code>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Request log (each request&apos;s routing decision, attempts and cost)</Table.Td>
              <Table.Td data-testid="retention-request-log">{settings.data.retention.requestLogDays} days</Table.Td>
              <Table.Td>
                <Code>{settings.data.retention.variables.requestLogDays}</Code>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
