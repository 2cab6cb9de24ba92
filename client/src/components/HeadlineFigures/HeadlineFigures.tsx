import { Alert, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { MetricRange } from '../../../../shared/metrics';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { headlineFigures } from '../../models/headline';
import { RANGE_LABELS } from '../RangePicker/RangePicker';

export function HeadlineFigures({ range, timeZone, includesDemo }: { range: MetricRange; timeZone: string; includesDemo: boolean }) {
  const trpc = useTRPC();
  const summary = useQuery({ ...trpc.metrics.summary.queryOptions({ range, timezone: timeZone }), placeholderData: keepPreviousData, refetchInterval: range === '15m' || range === '1h' ? 5_000 : 60_000 });
  if (summary.isError)
    return (
      <Alert color="red" role="alert" title="Could not load the figures">
        {describeError(summary.error)}
      </Alert>
    );
  const figures = summary.data ? headlineFigures(summary.data, RANGE_LABELS[range], includesDemo) : null;
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} aria-label="Headline figures" role="list">
      {(figures ?? ['Requests per second', 'Latency p95', 'Error rate', 'Cost', 'Failovers'].map((label) => ({ label, value: '', scope: '' }))).map((figure) => (
        <Paper withBorder p="md" key={figure.label} role="listitem">
          <Stack gap={2}>
            <Text size="sm" c="dimmed">
              {figure.label}
            </Text>
            {figures ? (
              <Text fz={26} fw={700} style={{ fontVariantNumeric: 'tabular-nums' }} data-figure={figure.label}>
                {figure.value}
              </Text>
            ) : (
              <Skeleton h={32} aria-label={`Loading ${figure.label}`} />
            )}
            <Text size="xs" c="dimmed">
              {figure.scope}
            </Text>
          </Stack>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
