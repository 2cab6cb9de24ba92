import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { describeHeatmap, heatmapOption, heatmapTable } from '../../charts/heatmap';
import { decisionsLink, rangeLabel, rangeQuery, type RangeSelection } from '../../monitoring/range';
import { formatClock } from '../../time/reporting-zone';
import { ChartPanel } from '../ChartPanel/ChartPanel';
import { REFRESH_MS } from '../ModelMetrics/ModelMetrics';

/** The whole latency distribution over the range: requests per latency band and step, one model or all. */
export function LatencyHeatmap({ model, range, timeZone, demo }: { model: string | null; range: RangeSelection; timeZone: string; demo: boolean }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const heatmap = useQuery({
    ...trpc.metrics.latencyHeatmap.queryOptions({ ...rangeQuery(range), timezone: timeZone, model: model ?? undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: range.kind === 'preset' ? REFRESH_MS[range.range] : false,
  });
  const built = useMemo(() => {
    if (!heatmap.data) return null;
    const stepSeconds = heatmap.data.range.stepSeconds;
    const context = { timeZone, period: `${rangeLabel(range, timeZone)}, ${stepSeconds / 60}-minute buckets` };
    const table = heatmapTable(heatmap.data, context);
    const busy = heatmap.data.buckets.filter((bucket) => bucket.requests > 0).reverse();
    const rowLinks = busy.map((bucket) => {
      const start = Date.parse(bucket.start);
      return { href: decisionsLink(model, start, start + stepSeconds * 1000), label: `Decisions from ${formatClock(start, timeZone, false)} for ${stepSeconds / 60} minutes` };
    });
    return { context, option: heatmapOption(heatmap.data, context), table: { ...table, rowLinks }, description: describeHeatmap(heatmap.data, context) };
  }, [heatmap.data, model, range, timeZone]);

  const state = heatmap.isPending ? 'loading' : heatmap.isError ? 'error' : heatmap.data.requests > 0 ? 'ready' : 'empty';
  const openCell = (point: { value: unknown }) => {
    const bucket = Array.isArray(point.value) ? heatmap.data?.buckets[Number(point.value[0])] : undefined;
    if (!bucket || !heatmap.data) return;
    const start = Date.parse(bucket.start);
    void navigate(decisionsLink(model, start, start + heatmap.data.range.stepSeconds * 1000));
  };
  return (
    <ChartPanel
      title="Latency distribution"
      scope={`${built?.context.period ?? rangeLabel(range, timeZone)} · ${timeZone} · ${model ?? 'all models'}${demo ? ' · demo traffic' : ''}`}
      option={built?.option ?? null}
      table={built?.table ?? null}
      description={built?.description}
      state={state}
      error={heatmap.isError ? describeError(heatmap.error) : undefined}
      height={300}
      onPointClick={openCell}
    />
  );
}
