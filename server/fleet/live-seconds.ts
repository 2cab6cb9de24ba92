import { z } from 'zod';
import type { SecondPart } from '../telemetry/live-window';

/**
 * The fleet's live figures: every second, each instance tells the others (PostgreSQL NOTIFY,
 * ./live-sync.ts) what it counted in the second that just ended, per model, histograms included,
 * so that every instance's ticks and live view are the fleet's, percentiles merged from the
 * histograms rather than averaged. Pure: the message, its encoding under NOTIFY's bound, and which
 * peers a second still waits for.
 */
export const LIVE_CHANNEL = 'grove_live';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more */
export const MAX_PAYLOAD_BYTES = 7_900;
/** A peer not heard from for this long (it sends every second, traffic or not) is not waited for. */
export const LIVE_PEER_TTL_MS = 3_000;

export type ModelSecond = SecondPart & { modelId: string };

/** One part of an instance's second (epoch seconds): a busy second with many models takes several. */
export interface LiveSecondMessage {
  instance: string;
  second: number;
  part: number;
  parts: number;
  models: ModelSecond[];
}

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** `[value µs, count, …]`: whole, non-negative, in pairs */
const pairs = z
  .array(count)
  .max(40_000)
  .refine((list) => list.length % 2 === 0, 'histogram pairs come in twos');
const messageSchema = z.object({
  instance: z.string().min(1).max(100),
  second: z.number().int().positive(),
  part: z.number().int().nonnegative(),
  parts: z.number().int().positive().max(10_000),
  models: z
    .array(
      z.object({
        modelId: z.string().min(1).max(300),
        requests: count,
        errors: count,
        failovers: count,
        inputTokens: count,
        outputTokens: count,
        costUsd: z.number().nonnegative().finite(),
        latency: pairs.optional(),
        ttft: pairs.optional(),
      }),
    )
    .max(10_000),
});

/**
 * A notice's payload, or undefined when it is not one (another version, another program on the
 * channel) or is `ownInstance`'s: an instance hears its own notices too, and needs no check of them.
 */
export function parseLiveSecond(payload: string, ownInstance?: string): LiveSecondMessage | undefined {
  try {
    const json: unknown = JSON.parse(payload);
    if (ownInstance !== undefined && (json as { instance?: unknown } | null)?.instance === ownInstance) return undefined;
    const parsed = messageSchema.safeParse(json);
    return parsed.success && parsed.data.part < parsed.data.parts ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An instance's second as NOTIFY payloads, each under `maxBytes`, in the order they must be sent
 * (a receiver takes the last part as the end of the second). Parts add up, so a model whose
 * histograms alone are too large is split too: its counts in one part, slices of its pairs in others.
 */
export function encodeLiveSecond(instance: string, second: number, models: readonly ModelSecond[], maxBytes = MAX_PAYLOAD_BYTES): string[] {
  const header = (part: number, parts: number) => Buffer.byteLength(JSON.stringify({ instance, second, part, parts, models: [] }));
  // room for "part" and "parts" of up to five digits each
  const room = maxBytes - header(99_999, 99_999);
  const entries: string[] = [];
  for (const model of models) entries.push(...fitted(model, room));

  const groups: string[][] = [[]];
  let used = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry) + 1;
    if (used + size > room && groups.at(-1)!.length > 0) {
      groups.push([]);
      used = 0;
    }
    groups.at(-1)!.push(entry);
    used += size;
  }
  const parts = groups.length;
  return groups.map((group, part) => `{"instance":${JSON.stringify(instance)},"second":${second},"part":${part},"parts":${parts},"models":[${group.join(',')}]}`);
}

/** One model's second as JSON entries of at most `room` bytes each. */
function fitted(model: ModelSecond, room: number): string[] {
  const whole = JSON.stringify(model);
  if (Buffer.byteLength(whole) <= room) return [whole];
  const { latency, ttft, ...counts } = model;
  const none = { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const entries = [JSON.stringify(counts)];
  for (const [field, list] of [['latency', latency], ['ttft', ttft]] as const) {
    if (!list) continue;
    // pairs per entry: halved until one fits (a model id of hundreds of bytes leaves less room)
    let size = 512;
    const entry = (slice: number[]) => JSON.stringify({ modelId: model.modelId, ...none, [field]: slice });
    while (size > 2 && Buffer.byteLength(entry(list.slice(0, size * 2))) > room) size = Math.floor(size / 2);
    for (let start = 0; start < list.length; start += size * 2) entries.push(entry(list.slice(start, start + size * 2)));
  }
  return entries;
}

/**
 * Which peers a second still waits for. A peer is live while it was heard within LIVE_PEER_TTL_MS;
 * it has sent a second once its last part arrived (NOTIFY keeps one sender's order), or any part of
 * a later second (a part lost while its LISTEN connection was down is not waited for). Pure: given
 * the time.
 */
export class PeerSeconds {
  private readonly peers = new Map<string, { heardAt: number; sentThrough: number }>();
  /** by second: the peers whose figures of it arrived, traffic or not (a tick says how many instances it holds) */
  private readonly reporters = new Map<number, Set<string>>();

  constructor(private readonly keepSeconds = 120) {}

  receive(message: LiveSecondMessage, now: number): void {
    const peer = this.peers.get(message.instance) ?? { heardAt: now, sentThrough: -1 };
    peer.heardAt = now;
    const through = message.part === message.parts - 1 ? message.second : message.second - 1;
    peer.sentThrough = Math.max(peer.sentThrough, through);
    this.peers.set(message.instance, peer);
    const reporters = this.reporters.get(message.second) ?? this.reporters.set(message.second, new Set()).get(message.second)!;
    reporters.add(message.instance);
    for (const second of this.reporters.keys()) {
      if (second < message.second - this.keepSeconds) this.reporters.delete(second);
    }
  }

  /** true when no live peer still owes `second` (epoch seconds) */
  complete(second: number, now: number): boolean {
    for (const [instance, peer] of this.peers) {
      if (now - peer.heardAt > LIVE_PEER_TTL_MS) this.peers.delete(instance);
      else if (peer.sentThrough < second) return false;
    }
    return true;
  }

  /** How many peers' figures of `second` arrived. */
  reportersOf(second: number): number {
    return this.reporters.get(second)?.size ?? 0;
  }

  /** How many peers were heard within LIVE_PEER_TTL_MS. */
  live(now: number): number {
    let live = 0;
    for (const peer of this.peers.values()) if (now - peer.heardAt <= LIVE_PEER_TTL_MS) live++;
    return live;
  }
}
