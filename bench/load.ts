import { Agent, request as httpRequest } from 'node:http';

export interface LoadOptions {
  url: string;
  /** POST (default) with this body, or GET when undefined */
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  /** ignore the results of requests that started before this many ms (warm-up) */
  warmupMs?: number;
  /** stop after this many requests, whatever the duration */
  maxRequests?: number;
  /**
   * Open loop at this many requests per second in all (spread evenly over the connections)
   * instead of each connection sending as soon as its previous answer ended. Latency is then
   * counted from when a request was due, so a target that falls behind pays for its queue.
   */
  ratePerSecond?: number;
}

export interface LoadResult {
  /** answers measured (after the warm-up) */
  requests: number;
  warmupRequests: number;
  errors: number;
  statuses: Record<string, number>;
  rps: number;
  latencyMs: Percentiles;
  /** time to the first body byte: for a stream, its first event */
  firstByteMs: Percentiles;
  /**
   * time to the first token: the first body chunk that carries a non-empty `"content":"…"` (a
   * stream's first role-only event is not a token), else the end of the answer
   */
  firstTokenMs: Percentiles;
  /** responses by x-grove-model, when the target sets it */
  servedBy: Record<string, number>;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * A load generator with sub-millisecond timing: `connections` workers on keep-alive sockets, each
 * sending its next request when the previous answer ended (closed loop: throughput), or at a fixed
 * rate (open loop: latency below saturation). autocannon rounds latencies to whole milliseconds,
 * too coarse for a gateway that adds a fraction of one.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const method = options.body === undefined ? 'GET' : 'POST';
  const headers = method === 'POST' ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body!)), ...options.headers } : { ...options.headers };
  const latencies: number[] = [];
  const firstBytes: number[] = [];
  const firstTokens: number[] = [];
  const statuses: Record<string, number> = {};
  const servedBy: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let warmupRequests = 0;
  const started = performance.now();
  const measureFrom = started + (options.warmupMs ?? 0);
  const stopAt = measureFrom + options.durationMs;

  const once = (due?: number) =>
    new Promise<void>((resolve) => {
      const begin = due ?? performance.now();
      let firstByte = 0;
      let firstToken = 0;
      const outgoing = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method, agent, headers }, (response) => {
        response.on('data', (data: Buffer) => {
          if (!firstByte) firstByte = performance.now();
          if (!firstToken && TOKEN.test(data.toString('latin1'))) firstToken = performance.now();
        });
        response.on('end', () => {
          const end = performance.now();
          if (begin < measureFrom) warmupRequests += 1;
          else {
            latencies.push(end - begin);
            firstBytes.push((firstByte || end) - begin);
            firstTokens.push((firstToken || end) - begin);
            const status = String(response.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            const model = response.headers['x-grove-model'];
            if (typeof model === 'string') servedBy[model] = (servedBy[model] ?? 0) + 1;
            if ((response.statusCode ?? 500) >= 400) errors += 1;
          }
          resolve();
        });
      });
      outgoing.on('error', () => {
        if (begin >= measureFrom) errors += 1;
        resolve();
      });
      outgoing.end(options.body);
    });

  const interval = options.ratePerSecond ? (1000 * options.connections) / options.ratePerSecond : 0;
  const worker = async (index: number) => {
    // paced: connection i sends at started + (i / connections + k) × interval
    let due = started + (index * interval) / options.connections;
    while (performance.now() < stopAt && (options.maxRequests === undefined || sent < options.maxRequests)) {
      sent += 1;
      if (!interval) {
        await once();
        continue;
      }
      // Waiting for our own timer is not the target's time; being late because the previous
      // answer came after this request was due is, and counts from when it was due.
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await once(wait > 0 ? undefined : due);
      due += interval;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, index) => worker(index)));
  const measuredMs = Math.max(1, Math.min(performance.now(), stopAt) - Math.max(started, measureFrom));
  agent.destroy();
  return { requests: latencies.length, warmupRequests, errors, statuses, rps: (latencies.length / measuredMs) * 1000, latencyMs: percentiles(latencies), firstByteMs: percentiles(firstBytes), firstTokenMs: percentiles(firstTokens), servedBy };
}

/** a content string that is not empty, in an SSE event or a JSON answer */
const TOKEN = /"content":"[^"]/;

export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
