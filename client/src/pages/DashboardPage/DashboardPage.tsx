import { Alert, Grid, Group, SimpleGrid, Skeleton, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { MetricRange } from '../../../../shared/metrics';
import { isDemoModel } from '../../../../shared/objects';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { EventFeed } from '../../components/EventFeed/EventFeed';
import { HeadlineFigures } from '../../components/HeadlineFigures/HeadlineFigures';
import { LiveStatus, ReconnectingBanner } from '../../components/LiveStatus/LiveStatus';
import { ModelCard } from '../../components/ModelCard/ModelCard';
import { ModelFilters } from '../../components/ModelFilters/ModelFilters';
import { RangePicker } from '../../components/RangePicker/RangePicker';
import { circuitAnnouncements } from '../../live/circuit-announcements';
import { costPerMinute, latestP95, p95Line } from '../../live/live-figures';
import { useLiveMetrics } from '../../live/useLiveMetrics';
import { holdsDemoTraffic } from '../../models/demo-traffic';
import { filtersToParams, parseFilters, toListInput, type ModelFilterValues } from '../../models/filters';
import { useCapabilityNames, useModelList } from '../../models/queries';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';

/** The fleet at a glance: headline figures for a range, then a live card per model. */
export function DashboardPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const filters = parseFilters(params);
  const setFilters = (next: ModelFilterValues) => setParams(filtersToParams(next), { replace: true });
  const [range, setRange] = useState<MetricRange>('1h');
  const { timeZone } = useReportingTimeZone();
  // refreshed: a model registered or moved elsewhere shows up without a reload
  const models = useModelList(toListInput(filters), { refetchInterval: 15_000 });
  const capabilityNames = useCapabilityNames();
  const info = useQuery({ ...trpc.system.info.queryOptions(), refetchInterval: 15_000 });
  const health = useQuery({ ...trpc.health.models.queryOptions(), refetchInterval: 2_000 });
  const live = useLiveMetrics();
  // circuit changes are told to screen readers politely, as they happen
  const lastCircuits = useRef<Map<string, string> | null>(null);
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    if (!health.data) return;
    const said = circuitAnnouncements(lastCircuits.current, health.data.items);
    if (said.length > 0) setAnnouncement(said.join('. '));
    lastCircuits.current = new Map(health.data.items.map((item) => [item.modelId, item.circuit]));
  }, [health.data]);
  // one pass per live sample, not per render: a card re-renders (and its sparkline merges a new
  // option) only when its figures changed, never for a health poll or a filter keystroke
  const figures = useMemo(
    () =>
      new Map(
        (models.data ?? []).map((model) => {
          const id = model.metadata.id;
          return [id, { p95: p95Line(live.history, id), latestP95: latestP95(live.history, id), costPerMinute: live.history.length === 0 ? null : costPerMinute(live.history, id) }];
        }),
      ),
    [live.history, models.data],
  );
  const circuits = new Map((health.data?.items ?? []).map((item) => [item.modelId, item.circuit === 'closed' && item.errorRate === null ? ('idle' as const) : item.circuit]));

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Dashboard</Title>
          <Text c="dimmed" size="sm">
            The fleet at a glance{info.data?.demoMode && info.data.demoTraffic ? ': demo traffic Grove sends itself to the simulated models' : ''}.
          </Text>
        </div>
        <Group gap="md">
          <RangePicker value={range} onChange={setRange} timeZone={timeZone} />
        </Group>
      </Group>
      <VisuallyHidden role="status" aria-live="polite" data-testid="announcements">
        {announcement}
      </VisuallyHidden>
      <HeadlineFigures range={range} timeZone={timeZone} includesDemo={holdsDemoTraffic(info.data, null, false)} />
      <ReconnectingBanner live={live} timeZone={timeZone} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 9 }}>
          <Stack gap="md">
          <Group justify="space-between" align="flex-end">
            <Title order={3} size="h4">
              Models
            </Title>
            <LiveStatus live={live} />
          </Group>
          <ModelFilters value={filters} onChange={setFilters} capabilityNames={capabilityNames} />
          {models.isError ? (
            <Alert color="red" role="alert" title="Could not load the registry">
              {describeError(models.error)}
            </Alert>
          ) : models.isPending ? (
            <Skeleton h={180} aria-label="Loading models" />
          ) : models.data.length === 0 ? (
            <Text c="dimmed">No model matches these filters.</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }}>
              {models.data.map((model) => (
                <ModelCard
                  key={model.metadata.id}
                  model={model}
                  circuit={circuits.get(model.metadata.id) ?? 'unknown'}
                  p95={figures.get(model.metadata.id)?.p95 ?? []}
                  latestP95={figures.get(model.metadata.id)?.latestP95 ?? null}
                  costPerMinute={figures.get(model.metadata.id)?.costPerMinute ?? null}
                />
              ))}
            </SimpleGrid>
          )}
          {info.data?.demoMode && info.data.demoTraffic && models.data?.some(isDemoModel) && (
            <Text size="xs" c="dimmed">
              Demo traffic is counted under the key “demo-traffic” and reaches only the demo models; it stops the moment a real model can serve.
            </Text>
          )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 3 }}>
          <EventFeed timeZone={timeZone} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
