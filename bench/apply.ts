import { fork } from 'node:child_process';
import type { PacedMessage, PacedReply, PacedStats } from './paced-client';

/**
 * A large apply while traffic flows: POST /api/v1/apply with `count` models, timed, while a paced
 * stream of /v1 requests (open loop: each is due at its time, whether or not the one before has
 * answered) measures how long any of them waited beyond its due time. The stream comes from a
 * process of its own (bench/paced-client.ts), which sends the same requests straight to the
 * upstream as well: what the shared machine does to a request that Grove never sees.
 */
const PACE_MS = 10;
/** the stream runs this long before the apply starts, so that its first requests' cold start is not counted */
const WARMUP_MS = 1_000;

export interface ApplyBenchResult {
  count: number;
  applyMs: number;
  created: number;
  /** the /v1 requests due while the apply ran, through Grove */
  grove: PacedStats;
  /** the same requests, as many, straight to the upstream at the same time */
  direct: PacedStats;
}

export async function benchApply(options: { groveUrl: string; adminKey: string; upstream: string; count: number; groveBody: string; directBody: string }): Promise<ApplyBenchResult> {
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
  // serialised and encoded before the stream starts: encoding a 5 MB string is work for no one
  const applyBody = Buffer.from(JSON.stringify({ objects }));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
  const client = fork('bench/paced-client.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: Record<PacedReply['type'], (reply: PacedReply) => void> = { ready: () => {}, result: () => {} };
  const reply = <T extends PacedReply['type']>(type: T) =>
    new Promise<Extract<PacedReply, { type: T }>>((resolve, reject) => {
      replies[type] = resolve as (reply: PacedReply) => void;
      client.once('exit', (code) => reject(new Error(`the paced client exited with ${code} before its ${type}`)));
    });
  client.on('message', (message: PacedReply) => replies[message.type](message));
  // a client that is gone (stopped with the benchmark) has said so through `reply`, which rejects
  const tell = (message: PacedMessage) => void (client.connected && client.send(message));
  try {
    await reply('ready');
    tell({
      type: 'start',
      paceMs: PACE_MS,
      targets: [
        { name: 'grove', url: `${groveUrl}/v1/chat/completions`, headers, body: options.groveBody },
        { name: 'direct', url: `${upstream}/v1/chat/completions`, headers: { 'content-type': 'application/json' }, body: options.directBody },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    tell({ type: 'measure' });
    const started = performance.now();
    const response = await fetch(`${groveUrl}/api/v1/apply`, { method: 'POST', headers, body: applyBody });
    const text = await response.text();
    const applyMs = performance.now() - started;
    const result = reply('result');
    tell({ type: 'stop' });
    const { stats } = await result;
    if (!response.ok) throw new Error(`applying ${count} models failed: ${response.status} ${text.slice(0, 300)}`);
    const results = (JSON.parse(text) as { results: Array<{ action: string }> }).results;
    return { count, applyMs, created: results.filter((entry) => entry.action === 'created').length, grove: stats.grove!, direct: stats.direct! };
  } finally {
    if (client.exitCode === null) client.kill();
  }
}
