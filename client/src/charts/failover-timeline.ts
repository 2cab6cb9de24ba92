import type { TimelineOutput } from '../../../shared/monitoring';
import { formatClock, formatDayClock } from '../time/reporting-zone';

/**
 * The failover timeline: a lane per model with its circuit's state over the range, and markers
 * where the configuration changed. Pure: lanes from the timeline answer, then the ECharts option.
 */

export type LaneState = 'healthy' | 'degraded' | 'open';

/** closed: serving; half-open: probing after an open circuit (one request at a time); open: skipped by routing */
export const LANE_STATES: Record<LaneState, { label: string; circuit: string; color: string }> = {
  healthy: { label: 'healthy', circuit: 'closed', color: '#1971c2' },
  degraded: { label: 'degraded (probing)', circuit: 'half-open', color: '#b45309' },
  open: { label: 'circuit open', circuit: 'open', color: '#c92a2a' },
};

export function laneState(circuit: string | null): LaneState {
  return circuit === 'open' ? 'open' : circuit === 'half-open' ? 'degraded' : 'healthy';
}

export interface Segment {
  start: number;
  end: number;
  state: LaneState;
  /** why it entered this state; absent for the state the range started in */
  reason?: string;
}

export interface Lane {
  modelId: string;
  segments: Segment[];
}

export interface ConfigMarker {
  at: number;
  label: string;
}

/**
 * Lanes for `modelIds` (the registry's, plus any the answer names) over [from, end): each from
 * the state it started in to its changes in order. A model with no recorded change was closed
 * throughout (a breaker starts closed). `end` is "now" for a range that is still going on.
 */
export function timelineLanes(timeline: Pick<TimelineOutput, 'models'>, modelIds: readonly string[], from: number, end: number): Lane[] {
  const byModel = new Map(timeline.models.map((model) => [model.modelId, model]));
  const ids = [...new Set([...modelIds, ...byModel.keys()])].sort();
  return ids.map((modelId) => {
    const model = byModel.get(modelId);
    const segments: Segment[] = [];
    let current: Segment = { start: from, end, state: laneState(model?.initial ?? null) };
    for (const change of model?.changes ?? []) {
      const at = Math.min(Math.max(Date.parse(change.at), from), end);
      if (at > current.start) segments.push({ ...current, end: at });
      current = { start: at, end, state: laneState(change.to), reason: change.reason };
    }
    if (end > current.start || segments.length === 0) segments.push(current);
    return { modelId, segments };
  });
}

export function configMarkers(timeline: Pick<TimelineOutput, 'configChanges'>): ConfigMarker[] {
  return timeline.configChanges.map((change) => ({ at: Date.parse(change.at), label: `${change.kind} ${change.objectId} revision ${change.revision} (${change.action}) by ${change.actor}` }));
}

export interface TimelineContext {
  timeZone: string;
  period: string;
  from: number;
  to: number;
}

function clock(time: number, context: TimelineContext): string {
  return context.to - context.from > 24 * 3_600_000 ? formatDayClock(time, context.timeZone) : formatClock(time, context.timeZone);
}

export function describeTimeline(lanes: Lane[], markers: ConfigMarker[], context: TimelineContext): string {
  const troubled = lanes
    .map((lane) => ({ lane, bad: lane.segments.filter((segment) => segment.state !== 'healthy') }))
    .filter((entry) => entry.bad.length > 0)
    .map(({ lane, bad }) => `${lane.modelId}: ${bad.map((segment) => `${LANE_STATES[segment.state].label} from ${clock(segment.start, context)}`).join(', ')}`);
  const health = troubled.length === 0 ? `all ${lanes.length} models healthy throughout` : troubled.join('; ');
  return `Failover timeline, ${context.period}, times in ${context.timeZone}: ${health}. ${markers.length} configuration ${markers.length === 1 ? 'change' : 'changes'}.`;
}

/** The lane row the config markers are drawn on, above the models. */
export const CONFIG_LANE = 'config changes';

interface RenderParams {
  coordSys: { x: number; y: number; width: number; height: number };
}
interface RenderApi {
  value(dimension: number): number;
  coord(value: [number, number]): [number, number];
  size(value: [number, number]): [number, number];
}

/**
 * Draws one segment: a bar across its lane, clipped to the grid, with its state written in it when
 * it is wide enough (the colour is never the only sign).
 */
export function renderSegment(params: RenderParams, api: RenderApi) {
  const lane = api.value(0);
  const [startX, middleY] = api.coord([api.value(1), lane]);
  const [endX] = api.coord([api.value(2), lane]);
  const height = api.size([0, 1])[1] * 0.6;
  const area = params.coordSys;
  const left = Math.max(startX, area.x);
  const right = Math.min(endX, area.x + area.width);
  if (right <= left) return null;
  const state = (Object.keys(LANE_STATES) as LaneState[])[api.value(3)]!;
  const width = right - left;
  const label = LANE_STATES[state].label;
  const children: object[] = [{ type: 'rect', shape: { x: left, y: middleY - height / 2, width, height }, style: { fill: LANE_STATES[state].color } }];
  if (width > label.length * 7 + 8) children.push({ type: 'text', style: { text: label, x: left + 4, y: middleY, verticalAlign: 'middle', fill: '#ffffff', fontSize: 11 } });
  return { type: 'group', children };
}

export function timelineOption(lanes: Lane[], markers: ConfigMarker[], context: TimelineContext) {
  const stateIndex = (state: LaneState) => (Object.keys(LANE_STATES) as LaneState[]).indexOf(state);
  const rows = [CONFIG_LANE, ...lanes.map((lane) => lane.modelId)];
  const data = lanes.flatMap((lane, index) =>
    lane.segments.map((segment) => ({
      name: lane.modelId,
      value: [index + 1, segment.start, segment.end, stateIndex(segment.state)],
      reason: segment.reason,
    })),
  );
  return {
    animation: false,
    aria: { enabled: true, label: { description: describeTimeline(lanes, markers, context) } },
    grid: { left: 8, right: 16, top: 8, bottom: 26, containLabel: true },
    tooltip: {
      trigger: 'item' as const,
      formatter: (params: { seriesName: string; name: string; value: number[]; data: { reason?: string; label?: string } }) => {
        if (params.seriesName === CONFIG_LANE) return `${clock(params.value[0]!, context)}: ${params.data.label ?? ''}`;
        const [, start, end, state] = params.value as [number, number, number, number];
        const name = (Object.keys(LANE_STATES) as LaneState[])[state]!;
        return `${params.name}: ${LANE_STATES[name].label}<br/>${clock(start, context)} – ${clock(end, context)} (${context.timeZone})${params.data.reason ? `<br/>${params.data.reason}` : ''}`;
      },
    },
    xAxis: { type: 'time' as const, min: context.from, max: context.to, name: `time (${context.timeZone})`, nameLocation: 'middle' as const, nameGap: 26, axisLabel: { formatter: (value: number) => clock(value, context), hideOverlap: true } },
    yAxis: { type: 'category' as const, data: rows, inverse: true, axisTick: { show: false } },
    series: [
      { type: 'custom' as const, name: 'circuit state', renderItem: renderSegment, encode: { x: [1, 2], y: 0 }, data },
      {
        type: 'scatter' as const,
        name: CONFIG_LANE,
        symbol: 'diamond',
        symbolSize: 12,
        itemStyle: { color: '#5f3dc4' },
        data: markers.map((marker) => ({ value: [marker.at, CONFIG_LANE], label: marker.label })),
        // a faint line down through the lanes: "p95 jumped right after revision 14"
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#5f3dc4', type: 'dashed' as const, width: 1 }, data: markers.map((marker) => ({ xAxis: marker.at })) },
      },
    ],
  };
}

/** The timeline as a table: every segment and every config change in time order, newest first. */
export function timelineTable(lanes: Lane[], markers: ConfigMarker[], context: TimelineContext) {
  const rows: Array<[number, string[]]> = [
    ...lanes.flatMap((lane) => lane.segments.map((segment): [number, string[]] => [segment.start, [clock(segment.start, context), lane.modelId, LANE_STATES[segment.state].label, segment.reason ?? 'state at the start of the range']])),
    ...markers.map((marker): [number, string[]] => [marker.at, [clock(marker.at, context), '—', 'configuration changed', marker.label]]),
  ];
  return {
    caption: `Failover timeline, ${context.period}`,
    columns: [`From (${context.timeZone})`, 'Model', 'State', 'Why'],
    rows: rows.sort((a, b) => b[0] - a[0]).map(([, row]) => row),
  };
}
