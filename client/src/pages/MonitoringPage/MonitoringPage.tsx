import { Alert, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTRPC } from '../../api/trpc';
import { FailoverTimeline } from '../../components/FailoverTimeline/FailoverTimeline';
import { LatencyHeatmap } from '../../components/LatencyHeatmap/LatencyHeatmap';
import { LiveCharts } from '../../components/LiveCharts/LiveCharts';
import { ModelMetrics } from '../../components/ModelMetrics/ModelMetrics';
import { RangePicker } from '../../components/RangePicker/RangePicker';
import { monitoringSearch, readMonitoringUrl, type MonitoringView, type RangeSelection } from '../../monitoring/range';
import { holdsDemoTraffic } from '../../models/demo-traffic';
import { useModelList } from '../../models/queries';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';

const ALL = '';
const PRESET_MS = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;

/**
 * The fleet's charts, live and over a range, one model or all: latency, time to first token,
 * throughput, errors, cost, the latency distribution and the failover timeline. Its state is its
 * URL (`?model=&from=&to=` or `?range=`), so an alert links straight to a moment.
 */
export function MonitoringPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const [openedAt] = useState(() => Date.now());
  const view = useMemo(() => readMonitoringUrl(params, openedAt), [params, openedAt]);
  const { timeZone } = useReportingTimeZone();
  const models = useModelList({}, { refetchInterval: 30_000 });
  const info = useQuery({ ...trpc.system.info.queryOptions(), refetchInterval: 15_000 });

  const show = (next: Partial<Pick<MonitoringView, 'model' | 'range'>>) => setParams(new URLSearchParams(monitoringSearch({ model: view.model, range: view.range, ...next })), { replace: false });
  const modelIds = useMemo(() => (models.data ?? []).map((model) => model.metadata.id), [models.data]);
  const selected = models.data?.find((model) => model.metadata.id === view.model);
  const demoNow = holdsDemoTraffic(info.data, selected ?? null, true);
  const demoInRange = holdsDemoTraffic(info.data, selected ?? null, false);
  const unknownModel = view.model !== null && models.data !== undefined && !selected;
  const range = view.range;
  const current = range.kind === 'custom' ? { from: range.from, to: range.to } : { from: Date.now() - PRESET_MS[range.range], to: Date.now() };
  // the live charts show what the range shows, up to the hour they keep
  const liveMinutes = range.kind === 'preset' && range.range === '15m' ? 15 : 60;
  // a key per range: the range's queries start over rather than morph one range into another
  const rangeKey = rangeId(range);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>Monitoring</Title>
          <Text size="sm" c="dimmed">
            Live and historical figures per model and fleet-wide. Click a point, or follow a time in a table, to see the routing decisions of that moment.
          </Text>
        </Stack>
      </Group>
      <Group gap="md" align="flex-end">
        <Select
          label="Model"
          size="xs"
          w={240}
          allowDeselect={false}
          value={view.model ?? ALL}
          onChange={(next) => show({ model: next ? next : null })}
          data={[{ value: ALL, label: 'All models' }, ...modelIds.map((id) => ({ value: id, label: id })), ...(view.model !== null && !modelIds.includes(view.model) ? [{ value: view.model, label: unknownModel ? `${view.model} (not registered)` : view.model }] : [])]}
          searchable
        />
        <RangePicker
          value={range.kind === 'preset' ? range.range : 'custom'}
          onChange={(next) => show({ range: { kind: 'preset', range: next } })}
          timeZone={timeZone}
          custom={{ current, onApply: (from, to) => show({ range: { kind: 'custom', from, to } }) }}
        />
      </Group>
      {view.problems.length > 0 && (
        <Alert color="orange" title="Part of this link could not be used" role="alert">
          {view.problems.join('; ')}. Showing the last hour instead.
        </Alert>
      )}
      {unknownModel && (
        <Alert color="gray" title="No such model" role="status">
          There is no model with the id “{view.model}” now; its history is shown if it had any.
        </Alert>
      )}
      <LiveCharts model={view.model} minutes={liveMinutes} timeZone={timeZone} demo={demoNow} />
      <Stack gap="sm" key={rangeKey}>
        <Title order={3} size="h4">
          Over the range
        </Title>
        <FailoverTimeline model={view.model} modelIds={modelIds} range={range} timeZone={timeZone} />
        <LatencyHeatmap model={view.model} range={range} timeZone={timeZone} demo={demoInRange} />
        <ModelMetrics modelId={view.model ?? undefined} demo={demoInRange} range={range} linkMoments />
      </Stack>
    </Stack>
  );
}

function rangeId(range: RangeSelection): string {
  return range.kind === 'preset' ? range.range : `${range.from}-${range.to}`;
}
