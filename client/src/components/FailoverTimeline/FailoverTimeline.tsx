import { Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { FeedEvent } from '../../../../shared/feeds';
import type { TimelineOutput } from '../../../../shared/monitoring';
import { describeError } from '../../api/errors';
import { useTRPC, useTRPCClient } from '../../api/trpc';
import { followFeed } from '../../live/follow-feed';
import { configMarkers, describeTimeline, LANE_STATES, timelineLanes, timelineOption, timelineTable, type LaneState } from '../../charts/failover-timeline';
import { decisionsLink, rangeLabel, rangeQuery, type RangeSelection } from '../../monitoring/range';
import { ChartPanel } from '../ChartPanel/ChartPanel';
import { REFRESH_MS } from '../ModelMetrics/ModelMetrics';

type LiveChange = Extract<FeedEvent, { type: 'circuit.changed' | 'model.changed' | 'policy.changed' }>;

/**
 * Adds what `events.feed` told since the last answer: a circuit change or a config change shows on
 * the timeline the moment it happens, not at the next refresh. The answer's own copy wins (times
 * to the second there, to the ms here: matched by model, second and state).
 */
export function withLiveChanges(answer: TimelineOutput, live: readonly LiveChange[], model: string | null): TimelineOutput {
  const models = answer.models.map((entry) => ({ ...entry, changes: [...entry.changes] }));
  const configChanges = [...answer.configChanges];
  const second = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  for (const event of live) {
    if (event.type === 'circuit.changed') {
      if (model !== null && event.modelId !== model) continue;
      let lane = models.find((entry) => entry.modelId === event.modelId);
      if (!lane) models.push((lane = { modelId: event.modelId, initial: null, changes: [] }));
      if (lane.changes.some((change) => second(change.at) === second(event.at) && change.to === event.to)) continue;
      lane.changes.push({ at: event.at, from: event.from, to: event.to, reason: event.reason, instanceId: 'this instance' });
      lane.changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    } else {
      const kind = event.type === 'model.changed' ? 'Model' : 'RoutingPolicy';
      const objectId = event.type === 'model.changed' ? event.modelId : event.policyId;
      if (configChanges.some((change) => change.kind === kind && change.objectId === objectId && change.revision === event.revision)) continue;
      configChanges.push({ at: event.at, kind, objectId, revision: event.revision, action: event.action, actor: event.actorKeyId });
    }
  }
  return { ...answer, models, configChanges };
}

/** A lane per model (healthy, degraded, circuit open) over the range, and the config changes as markers. */
export function FailoverTimeline({ model, modelIds, range, timeZone }: { model: string | null; modelIds: readonly string[]; range: RangeSelection; timeZone: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const navigate = useNavigate();
  const query = rangeQuery(range);
  const timeline = useQuery({
    ...trpc.metrics.timeline.queryOptions({ ...query, timezone: timeZone, model: model ?? undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: range.kind === 'preset' ? REFRESH_MS[range.range] : false,
  });
  const [live, setLive] = useState<LiveChange[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const following = range.kind === 'preset';
  useEffect(() => {
    if (!following) return;
    // the open end of the lanes moves with the clock; events come between
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    const stop = followFeed<FeedEvent>((input, observer) => client.events.feed.subscribe(input, observer), 0, {
      item: (event) => {
        if (event.type === 'circuit.changed' || event.type === 'model.changed' || event.type === 'policy.changed') {
          setLive((current) => [...current.slice(-500), event]);
          setNow(Date.now());
        }
      },
      // what a gap or a drop kept from us is in the stored timeline, at its next refetch
      gap: () => undefined,
      trouble: () => undefined,
    });
    return () => {
      clearInterval(timer);
      stop();
    };
  }, [client, following]);

  const built = useMemo(() => {
    if (!timeline.data) return null;
    const from = Date.parse(timeline.data.range.from);
    const to = Date.parse(timeline.data.range.to);
    const answer = following ? withLiveChanges(timeline.data, live, model) : timeline.data;
    const end = following ? Math.min(Math.max(now, from), to) : to;
    const lanes = timelineLanes(answer, model ? [model] : modelIds, from, end);
    const markers = configMarkers(answer);
    const context = { timeZone, period: rangeLabel(range, timeZone), from, to };
    return { lanes, option: timelineOption(lanes, markers, context), table: timelineTable(lanes, markers, context), description: describeTimeline(lanes, markers, context) };
  }, [timeline.data, live, model, modelIds, following, now, range, timeZone]);

  const openSegment = (point: { seriesName?: string; value: unknown }) => {
    if (!Array.isArray(point.value)) return;
    if (point.seriesName === 'circuit state') {
      const lane = built?.lanes[Number(point.value[0]) - 1];
      if (lane) void navigate(decisionsLink(lane.modelId, Number(point.value[1]), Number(point.value[2])));
    } else {
      // a config change: the minute after it
      const at = Number(point.value[0]);
      void navigate(decisionsLink(model, at, at + 60_000));
    }
  };
  const laneCount = (built?.lanes.length ?? modelIds.length) + 1;
  return (
    <ChartPanel
      title="Failover timeline"
      scope={
        <>
          {rangeLabel(range, timeZone)} · {timeZone} · {model ?? 'all models'} · circuit states as Grove&apos;s breakers recorded them
          <Legend />
        </>
      }
      option={built?.option ?? null}
      table={built?.table ?? null}
      description={built?.description}
      state={timeline.isPending ? 'loading' : timeline.isError ? 'error' : built && built.lanes.length > 0 ? 'ready' : 'empty'}
      emptyText="No models to show."
      error={timeline.isError ? describeError(timeline.error) : undefined}
      height={Math.max(120, 36 * laneCount + 40)}
      onPointClick={openSegment}
    />
  );
}

function Legend() {
  return (
    <Group gap="sm" component="span" mt={4} aria-label="Legend">
      {(Object.keys(LANE_STATES) as LaneState[]).map((state) => (
        <Group key={state} gap={4} component="span">
          <span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, background: LANE_STATES[state].color }} />
          <Text span size="xs">
            {LANE_STATES[state].label}
          </Text>
        </Group>
      ))}
      <Group gap={4} component="span">
        <Text span size="xs" aria-hidden c="violet.8">
          ◆
        </Text>
        <Text span size="xs">
          configuration changed
        </Text>
      </Group>
    </Group>
  );
}
