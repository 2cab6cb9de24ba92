import { useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { echarts } from '../../charts/echarts';

export interface ChartProps {
  /** an option from client/src/charts (pure builders) */
  option: object;
  height: number;
  /** the accessible name of the chart's region */
  label: string;
  /** a click on a point, bar or cell, with what ECharts says of it (the same moment is reachable from the table by keyboard) */
  onPointClick?: (point: ChartPoint) => void;
}

export interface ChartPoint {
  seriesName?: string;
  dataIndex: number;
  value: unknown;
}

/**
 * One ECharts instance per mounted chart, kept across renders: a new option is merged into it
 * (`notMerge: false`), so a live tick moves the lines rather than rebuilding the chart. Loaded
 * lazily (ChartPanel, Sparkline): ECharts is not in the first load.
 */
export default function Chart({ option, height, label, onPointClick }: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const scheme = useComputedColorScheme('light');
  // read at click time: a new handler each render must not re-bind the chart's listener
  const clicked = useRef(onPointClick);
  clicked.current = onPointClick;

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, scheme === 'dark' ? 'dark' : undefined, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (params) => clicked.current?.({ seriesName: params.seriesName, dataIndex: params.dataIndex, value: params.value }));
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [scheme]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    // each chart drawn in a task of its own: a page of charts updated at once (a live tick, a
    // refetch) runs as short tasks with frames between them, not as one long task; an option that
    // is replaced before its turn is never drawn
    const turn = setTimeout(() => {
      const started = performance.now();
      // the series list can shrink (a model gone from the range): replace series, merge the rest
      instance.setOption({ backgroundColor: 'transparent', ...withSeriesIds(option) }, { notMerge: false, replaceMerge: ['series'] });
      // drawn at once (not lazily, at the next frame), so the update is timed whole: the
      // Monitoring e2e reads these User Timing measures
      performance.measure('grove:chart-update', { start: started, detail: label });
    }, 0);
    return () => clearTimeout(turn);
  }, [option, scheme, label]);

  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height, cursor: onPointClick ? 'pointer' : undefined }} />;
}

/**
 * replaceMerge keeps a series only when the new option names it by id: without ids, every update
 * (each second, on the live charts) removed every series and built its view and SVG anew. A
 * series' name is unique within a chart, so it is its id unless it has one.
 */
function withSeriesIds(option: object): object {
  const { series } = option as { series?: unknown };
  if (!Array.isArray(series)) return option;
  return { ...option, series: series.map((entry: { id?: string; name?: string }, index) => ({ id: entry.name ?? String(index), ...entry })) };
}
