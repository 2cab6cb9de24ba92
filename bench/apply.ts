/**
 * A large apply while traffic flows: POST /api/v1/apply with `count` models, timed, while a paced
 * stream of /v1 requests (open loop: each is due at its time, whether or not the one before has
 * answered) measures how long any of them waited beyond its due time.
 */
const PACE_MS = 10;
/** the stream runs this long before the apply starts, so that its first requests' cold start is not counted */
const WARMUP_MS = 1_000;

export interface ApplyBenchResult {
  count: number;
  applyMs: number;
  created: number;
  /** /v1 requests answered while the apply ran */
  requests: number;
  errors: number;
  /** the worst and the 99th-percentile time from due to answered, ms */
  maxDelayMs: number;
  p99DelayMs: number;
  /**
   * The worst time from due to sent: how late the benchmark itself sent a request (on a busy
   * machine its process waits for a core too). Counted in the delays above, which are what a
   * client sees; shown so that a delay can be told from a late send.
   */
  maxLateSendMs: number;
}

export async function benchApply(options: { groveUrl: string; adminKey: string; upstream: string; count: number; requestBody: string }): Promise<ApplyBenchResult> {
  const { groveUrl, adminKey, upstream, count } = options;
  const id = (index: number) => `apply-${count}-${String(index).padStart(5, '0')}`;
  const objects = Array.from({ length: count }, (_, index) => ({
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id: id(index), title: `Bulk model ${index}`, labels: { batch: String(count) } },
    spec: {
      provider: 'openai-compatible',
      model: 'bench-model',
      baseUrl: `${upstream}/v1`,
      capabilities: { reasoning: index % 100, creativity: 50, precision: 50, speed: 50, context: 50 },
      contextWindow: 128000,
      maxOutputTokens: 4096,
      pricing: { inputPer1M: 1, outputPer1M: 2 },
      aliases: [`${id(index)}-alias`],
      fallbacks: index > 0 ? [id(index - 1)] : [],
      lifecycle: 'draft',
    },
  }));
  // serialised and encoded before the stream starts: the benchmark's own work must not delay its
  // requests (a 5 MB string handed to fetch is encoded to bytes on this event loop, delaying the
  // paced requests the apply's effect is measured by)
  const applyBody = Buffer.from(JSON.stringify({ objects }));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
  const delays: number[] = [];
  let errors = 0;
  let maxLateSendMs = 0;
  let applying = true;
  let applyStarted = Infinity;
  const inFlight = new Set<Promise<void>>();
  const stream = (async () => {
    const started = performance.now();
    for (let due = started; applying; due += PACE_MS) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const dueAt = due;
      if (dueAt >= applyStarted) maxLateSendMs = Math.max(maxLateSendMs, performance.now() - dueAt);
      const request = fetch(`${groveUrl}/v1/chat/completions`, { method: 'POST', headers, body: options.requestBody })
        .then(async (response) => {
          await response.arrayBuffer();
          if (!response.ok) errors++;
        })
        .catch(() => void errors++)
        .finally(() => {
          if (dueAt >= applyStarted) delays.push(performance.now() - dueAt);
          inFlight.delete(request);
        });
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  })();
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const started = (applyStarted = performance.now());
  const response = await fetch(`${groveUrl}/api/v1/apply`, { method: 'POST', headers, body: applyBody });
  const text = await response.text();
  const applyMs = performance.now() - started;
  applying = false;
  await stream;
  if (!response.ok) throw new Error(`applying ${count} models failed: ${response.status} ${text.slice(0, 300)}`);
  const results = (JSON.parse(text) as { results: Array<{ action: string }> }).results;
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    count,
    applyMs,
    created: results.filter((result) => result.action === 'created').length,
    requests: delays.length,
    errors,
    maxDelayMs: sorted.at(-1) ?? 0,
    p99DelayMs: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
    maxLateSendMs,
  };
}
