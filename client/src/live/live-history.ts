import type { LiveTick } from '../../../shared/feeds';
import type { Point } from '../charts/lttb';

/** Up to an hour of one-second points: what the Monitoring page's live charts draw from. */
export const LIVE_HISTORY_SECONDS = 3_600;

export const LIVE_FIELDS = ['latencyP50', 'latencyP95', 'latencyP99', 'ttftP95', 'requests', 'errors', 'outputTokens', 'costUsd'] as const;
export type LiveField = (typeof LIVE_FIELDS)[number];

type Figures = LiveTick['overall'];

function read(figures: Figures | undefined, field: LiveField): number | null {
  switch (field) {
    case 'latencyP50':
      return figures?.latencyMs?.p50 ?? null;
    case 'latencyP95':
      return figures?.latencyMs?.p95 ?? null;
    case 'latencyP99':
      return figures?.latencyMs?.p99 ?? null;
    case 'ttftP95':
      return figures?.ttftMs?.p95 ?? null;
    // a model missing from a tick served nothing that second: zero requests, but no latency
    default:
      return figures?.[field] ?? 0;
  }
}

/** The overall figures, as a scope beside the models' ids. */
export const FLEET = '';

/**
 * The live seconds as columns: one array of times, one array of values per (model, field),
 * appended to as ticks arrive (O(models × fields) a tick), so that a chart reads its series
 * without walking the ticks again. A second that never arrived is a gap (null), never a zero.
 * Oldest dropped past LIVE_HISTORY_SECONDS, in chunks, so a tick does not shift an hour of arrays.
 */
export class LiveHistory {
  readonly times: number[] = [];
  private readonly columns = new Map<string, Array<number | null>>();
  private readonly scopes = new Set<string>([FLEET]);

  constructor(private readonly capacity = LIVE_HISTORY_SECONDS) {}

  get models(): string[] {
    return [...this.scopes].filter((scope) => scope !== FLEET).sort();
  }

  get latest(): number | null {
    return this.times.at(-1) ?? null;
  }

  /** Adds a tick; a tick not newer than the last one (a repeat after a resume) changes nothing. Returns whether it was added. */
  append(tick: Pick<LiveTick, 'second' | 'overall' | 'models'>): boolean {
    const second = Date.parse(tick.second);
    const last = this.latest;
    if (last !== null && second <= last) return false;
    for (const model of tick.models) this.scopes.add(model.modelId);
    // a missed stretch: one gap point, so the lines break instead of joining across it
    if (last !== null && second - last > 1_000) this.push(last + 1_000, () => null);
    const byModel = new Map(tick.models.map((model) => [model.modelId, model]));
    this.push(second, (scope, field) => read(scope === FLEET ? tick.overall : byModel.get(scope), field));
    return true;
  }

  /** A (model or FLEET, field) series as points; a model seen late is "no data" before it. */
  series(scope: string, field: LiveField, since = Number.NEGATIVE_INFINITY): Point[] {
    const values = this.columns.get(key(scope, field));
    const first = firstAtOrAfter(this.times, since);
    const points: Point[] = [];
    const offset = this.times.length - (values?.length ?? 0);
    for (let index = first; index < this.times.length; index++) points.push([this.times[index]!, index < offset ? null : (values![index - offset] ?? null)]);
    return points;
  }

  private push(time: number, valueOf: (scope: string, field: LiveField) => number | null): void {
    this.times.push(time);
    for (const scope of this.scopes) {
      for (const field of LIVE_FIELDS) {
        const name = key(scope, field);
        let column = this.columns.get(name);
        if (!column) this.columns.set(name, (column = []));
        column.push(valueOf(scope, field));
      }
    }
    const excess = this.times.length - this.capacity;
    if (excess >= 60) {
      this.times.splice(0, excess);
      for (const column of this.columns.values()) column.splice(0, Math.max(0, column.length - this.capacity));
    }
  }
}

function key(scope: string, field: LiveField): string {
  return `${scope}\u0000${field}`;
}

function firstAtOrAfter(times: readonly number[], since: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle]! < since) low = middle + 1;
    else high = middle;
  }
  return low;
}
