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
 * The live charts: one point a second from `metrics.liveFeed`, the last `minutes` (at most the
 * hour the server buffers, then what came since the page opened). Only this component reads
 * the ticks: the page around it does not render again each second.
 */
export function LiveCharts({ model, minutes, timeZone, demo }: { model: string | null; minutes: number; timeZone: string; demo: boolean }) {
  const navigate = useNavigate();
  const { history, state } = useLiveHistory();
  const charts = useMemo(() => {
    const latest = history.latest;
    if (latest === null) return null;
    const started = performance.now();
    const since = latest - minutes * MINUTE;
    const first = history.times.find((time) => time >= since) ?? latest;
    const context = { timeZone, since, period: `live, one point a second, since ${formatClock(first, timeZone, false)}` };
    const built = [liveLatencySpec(history, model, context), liveTrafficSpec(history, model, context)].map((spec) => {
      const table = () => {
        const rows = timeSeriesTable(spec);
        const rowLinks = rows.times.map((time) => {
          const minute = Math.floor(time / MINUTE) * MINUTE;
          return { href: decisionsLink(model, minute, minute + MINUTE), label: `Decisions of the minute from ${formatClock(minute, timeZone, false)}` };
        });
        return { ...rows, rowLinks };
      };
      return { spec, option: timeSeriesOption(spec), table, description: describeTimeSeries(spec) };
    });
    // timed for the Monitoring e2e, as each chart's update is (Chart.tsx)
    performance.measure('grove:live-charts-build', { start: started });
    return built;
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
        The live charts show up to the last hour the server kept, one point a second; the charts below read the stored history.
      </Text>
    </Stack>
  );
}
