/**
 * The apply benchmark's paced client, in a process of its own (bench/apply.ts forks it): an open
 * loop of requests to each target, one due every `paceMs`, each timed from its due time. Apart
 * from the process that sends the apply, so that sending a 5 MB body, reading the answer and
 * collecting that process's garbage do not make it late for its own requests; and it sends the
 * same requests straight to the upstream too, half a pace apart, which shows what the machine alone
 * (two cores shared by the database, Grove, the upstream and this client) does to a request.
 * Requests go through node:http on kept-alive connections: `fetch` cost this client several times
 * the CPU, on the cores it shares with what it measures.
 *
 * Messages (IPC): out `ready`; in `start`, then `measure` (count requests due from now on), then
 * `stop`; out `result` once every request it sent has answered.
 */
import { Agent, request as httpRequest } from 'node:http';
import { percentiles } from './load';

export interface PacedTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedStats {
  /** requests due while measuring, all answered */
  requests: number;
  errors: number;
  /** time from due to answered, ms */
  maxDelayMs: number;
  p99DelayMs: number;
  /** the worst time from due to sent: how late this client itself was */
  maxLateSendMs: number;
  /** the slowest requests, slowest first: when each was due (ms after measuring began) and its delay */
  slowest: Array<{ dueMs: number; delayMs: number }>;
}

/** how many of the slowest requests a result lists */
const SLOWEST = 8;

export type PacedMessage = { type: 'start'; targets: PacedTarget[]; paceMs: number } | { type: 'measure' } | { type: 'stop' };
export type PacedReply = { type: 'ready' } | { type: 'result'; stats: Record<string, PacedStats> };

function run(targets: PacedTarget[], paceMs: number) {
  let measureFrom = Infinity;
  let running = true;
  const samples = new Map(targets.map((target) => [target.name, { delays: [] as number[], dues: [] as number[], errors: 0, maxLateSendMs: 0 }]));
  const inFlight = new Set<Promise<void>>();
  const agents = new Map(targets.map((target) => [target.name, new Agent({ keepAlive: true })]));
  // encoded once: this client's own work is what it keeps small
  const bodies = new Map(targets.map((target) => [target.name, Buffer.from(target.body)]));
  const post = (target: PacedTarget) =>
    new Promise<boolean>((resolve) => {
      const body = bodies.get(target.name)!;
      const outgoing = httpRequest(target.url, { method: 'POST', agent: agents.get(target.name), headers: { ...target.headers, 'content-length': body.length } }, (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode === 200));
        response.once('error', () => resolve(false));
      });
      outgoing.once('error', () => resolve(false));
      outgoing.end(body);
    });
  const send = (target: PacedTarget, due: number) => {
    const sample = samples.get(target.name)!;
    const measured = due >= measureFrom;
    if (measured) sample.maxLateSendMs = Math.max(sample.maxLateSendMs, performance.now() - due);
    const request = post(target).then((ok) => {
      if (measured) {
        if (!ok) sample.errors++;
        sample.delays.push(performance.now() - due);
        sample.dues.push(due - measureFrom);
      }
      inFlight.delete(request);
    });
    inFlight.add(request);
  };
  const loops = targets.map(async (target, index) => {
    // the targets' requests interleaved, not sent together
    for (let due = performance.now() + (index * paceMs) / targets.length; running; due += paceMs) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (running) send(target, due);
    }
  });
  return {
    measure: () => void (measureFrom = performance.now()),
    async stop(): Promise<Record<string, PacedStats>> {
      running = false;
      await Promise.all(loops);
      await Promise.all(inFlight);
      for (const agent of agents.values()) agent.destroy();
      return Object.fromEntries(
        [...samples].map(([name, sample]) => {
          const { p99, max } = percentiles(sample.delays);
          const slowest = sample.delays
            .map((delayMs, index) => ({ dueMs: sample.dues[index]!, delayMs }))
            .sort((a, b) => b.delayMs - a.delayMs)
            .slice(0, SLOWEST);
          return [name, { requests: sample.delays.length, errors: sample.errors, maxDelayMs: max || 0, p99DelayMs: p99 || 0, maxLateSendMs: sample.maxLateSendMs, slowest }];
        }),
      );
    },
  };
}

if (process.send) {
  let stream: ReturnType<typeof run> | undefined;
  process.on('message', (message: PacedMessage) => {
    if (message.type === 'start') stream = run(message.targets, message.paceMs);
    else if (message.type === 'measure') stream?.measure();
    else if (message.type === 'stop' && stream) {
      void stream.stop().then((stats) => process.send!({ type: 'result', stats } satisfies PacedReply, () => process.disconnect()));
    }
  });
  // the benchmark stopped (or was stopped) without a `stop`: nothing is left sending
  process.once('disconnect', () => process.exit(0));
  process.send({ type: 'ready' } satisfies PacedReply);
}
