import { SimpleGrid, Stack } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { MetricRange } from '../../../../shared/metrics';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import type { SeriesPoint } from '../../api/types';
import { costSpec, errorRateSpec, latencySpec, requestsSpec, throughputSpec } from '../../charts/model-charts';
import { describeTimeSeries, timeSeriesOption, timeSeriesTable, type TimeSeriesSpec } from '../../charts/time-series';
import { decisionsLink, rangeLabel, rangeQuery, type RangeSelection } from '../../monitoring/range';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { formatClock } from '../../time/reporting-zone';
import { ChartPanel } from '../ChartPanel/ChartPanel';
import { RangePicker } from '../RangePicker/RangePicker';

export const REFRESH_MS: Record<MetricRange, number> = { '15m': 5_000, '1h': 10_000, '24h': 60_000, '7d': 300_000 };

export interface ModelMetricsProps {
  /** absent: the whole fleet (every model's requests together) */
  modelId?: string;
  demo: boolean;
  /** a range chosen outside (the Monitoring page's picker); absent: this panel has its own picker */
  range?: RangeSelection;
  /** a point clicked (or a table row's time followed) opens that step's decisions */
  linkMoments?: boolean;
}

/**
 * A model's (or the fleet's) history over a range: latency, time to first token, throughput,
 * requests and errors, error rate, cost; each its own chart.
 */
export function ModelMetrics({ modelId, demo, range: chosen, linkMoments = false }: ModelMetricsProps) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [own, setOwn] = useState<MetricRange>('1h');
  const range: RangeSelection = chosen ?? { kind: 'preset', range: own };
  const { timeZone } = useReportingTimeZone();
  const series = useQuery({
    ...trpc.metrics.series.queryOptions({ ...rangeQuery(range), timezone: timeZone, model: modelId }),
    placeholderData: keepPreviousData,
    // a custom range is history: it does not move
    refetchInterval: range.kind === 'preset' ? REFRESH_MS[range.range] : false,
  });
  const label = rangeLabel(range, timeZone);

  const charts = useMemo(() => {
    if (!series.data) return [];
    const points: SeriesPoint[] = (modelId !== undefined ? series.data.models.find((entry) => entry.modelId === modelId)?.points : undefined) ?? series.data.overall;
    const stepSeconds = series.data.range.stepSeconds;
    const context = { timeZone, stepSeconds, period: `${label}, ${stepSeconds / 60}-minute buckets` };
    const hasData = points.some((point) => point.requests > 0);
    const stepMs = stepSeconds * 1000;
    const momentLink = (time: number) => ({ href: decisionsLink(modelId ?? null, time, time + stepMs), label: `Decisions from ${formatClock(time, timeZone, false)} for ${stepSeconds / 60} minutes` });
    return [latencySpec(points, context), latencySpec(points, context, 'ttftMs'), throughputSpec(points, context), requestsSpec(points, context), errorRateSpec(points, context), costSpec(points, context)].map((spec) => {
      const table = timeSeriesTable(spec);
      return {
        spec,
        hasData,
        stepMs,
        option: timeSeriesOption(spec),
        table: linkMoments ? { ...table, rowLinks: table.times.map(momentLink) } : table,
        description: describeTimeSeries(spec),
      };
    });
  }, [series.data, modelId, label, timeZone, linkMoments]);

  const state = (hasData: boolean) => (series.isPending ? 'loading' : series.isError ? 'error' : hasData ? 'ready' : 'empty');
  const scope = (spec: TimeSeriesSpec) => `${spec.period} · ${timeZone}${spec.unit === 'USD' ? ' · USD' : ''}${demo ? ' · demo traffic' : ''}`;
  const openMoment = (stepMs: number) => (point: { value: unknown }) => {
    const time = Array.isArray(point.value) ? Number(point.value[0]) : NaN;
    if (Number.isFinite(time)) void navigate(decisionsLink(modelId ?? null, time, time + stepMs));
  };
  return (
    <Stack gap="md">
      {!chosen && <RangePicker value={own} onChange={setOwn} timeZone={timeZone} />}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {series.isPending || series.isError
          ? ['Latency', 'Time to first token'].map((title) => <ChartPanel key={title} title={title} scope={label} option={null} table={null} state={state(false)} error={series.isError ? describeError(series.error) : undefined} />)
          : charts.map(({ spec, hasData, stepMs, option, table, description }) => (
              <ChartPanel key={spec.title} title={spec.title} scope={scope(spec)} option={option} table={table} description={description} state={state(hasData)} onPointClick={linkMoments ? openMoment(stepMs) : undefined} />
            ))}
      </SimpleGrid>
    </Stack>
  );
}
