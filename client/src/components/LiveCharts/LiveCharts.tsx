import { Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { liveLatencySpec, liveTrafficSpec } from '../../charts/live-charts';
import { describeTimeSeries, timeSeriesOption, timeSeriesTable } from '../../charts/time-series';
import { useLiveHistory } from '../../live/useLiveHistory';
import { decisionsLink } from '../../monitoring/range';
import { formatClock } from '../../time/reporting-zone';
import { ChartPanel } from '../ChartPanel/ChartPanel';
import { LiveStatus, ReconnectingBanner } from '../LiveStatus/LiveStatus';

const MINUTE = 60_000;

/**
 * The live charts: one point a second from `metrics.liveFeed`, the last `minutes` (at most an
 * hour, since the page opened plus the minute the server still had). Only this component reads
 * the ticks: the page around it does not render again each second.
 */
export function LiveCharts({ model, minutes, timeZone, demo }: { model: string | null; minutes: number; timeZone: string; demo: boolean }) {
  const navigate = useNavigate();
  const { history, state } = useLiveHistory();
  const charts = useMemo(() => {
    const latest = history.latest;
    if (latest === null) return null;
    const since = latest - minutes * MINUTE;
    const first = history.times.find((time) => time >= since) ?? latest;
    const context = { timeZone, since, period: `live, one point a second, since ${formatClock(first, timeZone, false)}` };
    return [liveLatencySpec(history, model, context), liveTrafficSpec(history, model, context)].map((spec) => {
      const table = timeSeriesTable(spec);
      const rowLinks = table.times.map((time) => {
        const minute = Math.floor(time / MINUTE) * MINUTE;
        return { href: decisionsLink(model, minute, minute + MINUTE), label: `Decisions of the minute from ${formatClock(minute, timeZone, false)}` };
      });
      return { spec, option: timeSeriesOption(spec), table: { ...table, rowLinks }, description: describeTimeSeries(spec) };
    });
    // history is mutated in place: its version is what says it changed
  }, [state.version, history, model, minutes, timeZone]);

  const openMinute = (point: { value: unknown }) => {
    const time = Array.isArray(point.value) ? Number(point.value[0]) : NaN;
    if (!Number.isFinite(time)) return;
    const minute = Math.floor(time / MINUTE) * MINUTE;
    void navigate(decisionsLink(model, minute, minute + MINUTE));
  };
  const liveState = { status: state.status, updatedAt: state.updatedAt, error: state.error, history: [] };
  const scope = (period: string) => `${period} · ${timeZone} · ${model ?? 'all models'}${demo ? ' · demo traffic' : ''}`;
  return (
    <Stack gap="sm" component="section" aria-labelledby="live-charts-heading">
      <Group justify="space-between">
        <Title order={3} size="h4" id="live-charts-heading">
          Live
        </Title>
        <LiveStatus live={liveState} />
      </Group>
      <ReconnectingBanner live={liveState} timeZone={timeZone} />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {charts
          ? charts.map(({ spec, option, table, description }) => (
              <ChartPanel key={spec.title} title={spec.title} scope={scope(spec.period)} option={option} table={table} description={description} state="ready" onPointClick={openMinute} />
            ))
          : ['Live latency', 'Live requests and errors'].map((title) => <ChartPanel key={title} title={title} scope={scope('live, one point a second')} option={null} table={null} state="loading" />)}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        The live charts keep up to an hour while this page is open; the charts below read the stored history.
      </Text>
    </Stack>
  );
}
