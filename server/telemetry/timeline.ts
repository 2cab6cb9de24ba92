import type { TimelineOutput } from '../../shared/monitoring';
import { echoRange, type ResolvedRange } from './query-range';
import type { CircuitChangeRow, ConfigChangeRow } from './timeline-repository';
import { isoInZone } from './time-zone';

/** Config markers listed at most: a week of busy editing still draws; the answer says when cut. */
export const CONFIG_CHANGES_LIMIT = 500;

/**
 * The failover timeline's answer from stored and unstored circuit changes (merged by id, each
 * counted once) and the config changes of the range. Pure: lanes per model, oldest change first.
 */
export function timeline(input: { range: ResolvedRange; before: CircuitChangeRow[]; changes: CircuitChangeRow[]; unstored: CircuitChangeRow[]; config: ConfigChangeRow[]; modelId?: string }): TimelineOutput {
  const { range } = input;
  const inRange = new Map<string, CircuitChangeRow>();
  const initial = new Map<string, CircuitChangeRow>();
  const earlier = (row: CircuitChangeRow) => {
    const known = initial.get(row.modelId);
    if (!known || known.at < row.at) initial.set(row.modelId, row);
  };
  for (const row of input.before) earlier(row);
  for (const row of [...input.changes, ...input.unstored]) {
    if (input.modelId !== undefined && row.modelId !== input.modelId) continue;
    if (row.at < range.from) earlier(row);
    else if (row.at < range.to) inRange.set(row.id, row);
  }
  const lanes = new Map<string, CircuitChangeRow[]>();
  for (const modelId of initial.keys()) lanes.set(modelId, []);
  for (const row of inRange.values()) {
    const lane = lanes.get(row.modelId);
    if (lane) lane.push(row);
    else lanes.set(row.modelId, [row]);
  }
  const models = [...lanes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([modelId, rows]) => ({
      modelId,
      initial: initial.get(modelId)?.to ?? null,
      changes: rows
        .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
        .map((row) => ({ at: isoInZone(row.at, range.timeZone), from: row.from, to: row.to, reason: row.reason, instanceId: row.instanceId })),
    }));
  const configChanges = input.config.slice(0, CONFIG_CHANGES_LIMIT).map((change) => ({ ...change, at: isoInZone(change.at, range.timeZone) }));
  return { range: echoRange(range), models, configChanges, configTruncated: input.config.length > CONFIG_CHANGES_LIMIT };
}
