import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchApply } from './apply';
import { benchDecide } from './decide';
import { benchRecord } from './record';
import { runLoad, type LoadResult } from './load';
import { processStats, startChild, type Child } from './processes';

/**
 * `npm run bench`: Grove against the floor (a bare pass-through proxy) and the fake upstream called
 * directly, under one load generator, in one run; then routing-decision time and failover.
 * Everything runs on 127.0.0.1 and every process it starts is stopped by its pid.
 */
const quick = process.argv.includes('--quick');
/** `--only apply` or `--only telemetry` runs just that scenario; `--only databases`, the overhead scenarios and the two databases' comparison */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const DURATION_MS = quick ? 2_000 : 5_000;
const WARMUP_MS = quick ? 500 : 1_500;
/** Direct, floor and Grove are measured in interleaved rounds, so that a burst of the shared machine's load falls on all three. */
/**
 * Nine in a full run: the judged ratios (embedded ÷ PostgreSQL, telemetry on ÷ off) are medians of
 * per-round ratios, and with five rounds one burst of the neighbours' load moved them by ±10%.
 */
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 750 : 1_500;
/** each round opens new connections: their first requests are not counted */
const ROUND_WARMUP_MS = 250;
const ADMIN_KEY = 'grove_bench_admin_key_0123456789';
const PACED_RATE = 1_000;
const children: Child[] = [];
const cleanups: Array<() => void> = [];

const messages = [{ role: 'user', content: 'Say hello in one short sentence.' }];
const body = (model: string, stream: boolean, extra: Record<string, unknown> = {}) => JSON.stringify({ model, messages, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}), ...extra });
/** streams as models send them: 20 text events this many ms apart, each its own write (bench/fake-upstream.ts) */
const PACE_MS = 2;

/** A Grove process under test, on one of its two databases. */
interface Grove {
  name: GroveName;
  label: string;
  child: Child;
  url: string;
  /** the process's peak RSS once it listened: its start (on a fresh data folder, for the embedded database) */
  startPeakRssMb: number;
}

/**
 * Grove runs twice, side by side: on a fresh PostgreSQL database when a server answers on
 * 127.0.0.1:5432 (what a deployment serving thousands of requests a second runs on), and on the
 * embedded PGlite (what `npm start` gives a new user) in a fresh data folder, so that its first
 * start is measured too. `--pglite` runs the embedded one only. Every request's decision is logged
 * in both cases.
 */
function groveDatabases(suffix = ''): Array<{ name: GroveName; label: string; env: Record<string, string> }> {
  const dataDir = (name: string) => {
    const folder = mkdtempSync(join(tmpdir(), `grove-bench-${name}-`));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    return folder;
  };
  const databases: Array<{ name: GroveName; label: string; env: Record<string, string> }> = [];
  const database = `grove_bench_${process.pid}${suffix}`;
  const psql = (command: string) => spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', command], { stdio: 'ignore' }).status === 0;
  if (!process.argv.includes('--pglite') && psql(`create database ${database}`)) {
    cleanups.push(() => psql(`drop database if exists ${database} with (force)`));
    databases.push({ name: 'grove-pg', label: 'PostgreSQL 127.0.0.1:5432', env: { GROVE_DATA_DIR: dataDir(`pg${suffix}`), DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}` } });
  }
  databases.push({ name: 'grove-pglite', label: 'embedded PGlite', env: { GROVE_DATA_DIR: join(dataDir(`pglite${suffix}`), 'data') } });
  return databases;
}

async function main() {
  // Grove as `npm start` runs it: the bundled server, not the sources through tsx
  if (spawnSync('npm', ['run', 'build:server'], { stdio: 'inherit' }).status !== 0) throw new Error('building the server failed');
  const fake = await track(startChild('bench/fake-upstream.ts', { PORT: '0' }, /listening (\d+)/));
  const upstream = `http://127.0.0.1:${fake.port}`;
  const floor = await track(startChild('bench/floor-proxy.ts', { PORT: '0', UPSTREAM_URL: `${upstream}/v1` }, /listening (\d+)/));
  const groves: Grove[] = [];
  for (const database of groveDatabases()) {
    const child = await startGrove(database.env);
    const url = `http://127.0.0.1:${child.port}`;
    groves.push({ name: database.name, label: database.label, child, url, startPeakRssMb: processStats(child.pid).peakRssMb });
    await registerModels(url, upstream);
  }
  const groveNames = groves.map((grove) => grove.name);
  const targetNames: TargetName[] = ['direct', 'floor', ...groveNames];

  console.log(`Grove benchmark — ${new Date().toISOString()}, node ${process.version}, Grove on ${groves.map((grove) => `${grove.label} (${grove.name})`).join(' and ')}`);
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  if (only === 'apply') {
    for (const grove of groves) await applyScenario(grove, upstream);
    return;
  }
  if (only === 'telemetry') return telemetryScenario(groves[0]!, upstream);
  console.log(`Each scenario: a ${WARMUP_MS / 1000} s warm-up per target, then ${ROUNDS} interleaved rounds of ${ROUND_MS / 1000} s per target (direct, floor, Grove, the order rotating); figures are medians over the rounds, ratios and added latencies taken within each round.`);
  console.log('\n## Gateway overhead: the same fake upstream, direct vs floor proxy vs Grove on each database');
  const targets = (stream: boolean, connections: number, ratePerSecond?: number, extra?: Record<string, unknown>): RoundTarget[] => {
    const load = (url: string, model: string, headers?: Record<string, string>) => (durationMs: number, warmupMs: number) => runLoad({ url, headers, body: body(model, stream, extra), connections, durationMs, warmupMs, ratePerSecond });
    return [
      { name: 'direct', load: load(`${upstream}/v1/chat/completions`, 'bench-model') },
      { name: 'floor', child: floor, load: load(`http://127.0.0.1:${floor.port}/`, 'bench-model') },
      ...groves.map((grove): RoundTarget => ({ name: grove.name, child: grove.child, load: load(`${grove.url}/v1/chat/completions`, 'bench', auth) })),
    ];
  };
  const rows: string[] = [];
  const closedLoop: Record<string, Rounds> = {};
  for (const stream of [false, true]) {
    for (const connections of [10, 50]) {
      const rounds = await interleaved(targets(stream, connections));
      closedLoop[`${stream ? 'stream' : 'json'} ${connections}`] = rounds;
      rows.push(...overheadRows(stream ? 'stream' : 'json', connections, rounds, targetNames));
    }
  }
  console.log(['| mode | conns | target | p50 ms | p99 ms | added p50 | added p99 | first token p50 | added TTFT p50 | req/s | vs floor req/s (min–max) | errors | CPU µs/req | RSS MB |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
  for (const grove of groves) {
    const stats = processStats(grove.child.pid);
    console.log(`\n${grove.name}: RSS now ${stats.rssMb.toFixed(0)} MB, peak ${stats.peakRssMb.toFixed(0)} MB`);
  }

  // Closed loop saturates the two cores, so its latency is mostly queueing (10 connections ÷ req/s).
  // What a request pays for passing through a gateway shows at a rate every target keeps up with.
  console.log(`\n## Added latency below saturation: open loop, ${PACED_RATE} req/s over 10 connections (every target keeps up)`);
  console.log('| mode | target | p50 ms | p90 ms | p99 ms | added p50 | added p99 | added TTFT p50 | CPU µs/req |\n|---|---|---|---|---|---|---|---|---|');
  const openLoop: Record<string, Rounds> = {};
  for (const stream of [false, true]) {
    const rounds = await interleaved(targets(stream, 10, PACED_RATE));
    openLoop[stream ? 'stream' : 'json'] = rounds;
    for (const name of targetNames) {
      const { at, added } = figures(rounds, name);
      const cpu = name === 'direct' ? '—' : at((r) => r.cpuUsPerRequest).toFixed(0);
      console.log(`| ${stream ? 'stream' : 'json'} | ${name} | ${at((r) => r.latencyMs.p50).toFixed(3)} | ${at((r) => r.latencyMs.p90).toFixed(3)} | ${at((r) => r.latencyMs.p99).toFixed(3)} | ${added((r) => r.latencyMs.p50)} | ${added((r) => r.latencyMs.p99)} | ${added((r) => r.firstTokenMs.p50)} | ${cpu} |`);
    }
  }
  // the judged throughput ratio: both databases under the same load at the same time
  const sideBySideLoops: Record<string, Rounds> = {};
  const sideBySideOpen: Record<string, Rounds> = {};
  if (groves.length === 2) {
    for (const stream of [false, true]) sideBySideLoops[`${stream ? 'stream' : 'json'} 10`] = await sideBySide(targets(stream, 10).filter((target) => target.name.startsWith('grove')));
    // and the tails, the upstream called directly at the same time: half the rate each, so that the
    // machine serves about what it serves one target at a time above (at the full rate each, the
    // three saturated the two cores and the tails were the queue's, 17-31 ms)
    for (const stream of [false, true]) sideBySideOpen[stream ? 'stream' : 'json'] = await sideBySide(targets(stream, 10, PACED_RATE / 2).filter((target) => target.name !== 'floor'));
  }
  databaseComparison(groves, closedLoop, openLoop, sideBySideLoops, sideBySideOpen);
  if (only === 'databases') return;

  // The streams above arrive in one read. A model sends its tokens over time, one read (and one
  // write to the client) each: what a gateway adds per read shows here.
  console.log(`\n## Streams as models send them: 20 text events ${PACE_MS} ms apart, each its own read (10 connections)`);
  console.log('| target | p50 ms | added p50 | first token p50 | added TTFT p50 | req/s | CPU µs/req | CPU ÷ floor |\n|---|---|---|---|---|---|---|---|');
  {
    const rounds = await interleaved(targets(true, 10, undefined, { bench_pace_ms: PACE_MS }));
    const floorCpu = figures(rounds, 'floor').at((r) => r.cpuUsPerRequest);
    for (const name of targetNames) {
      const { at, added } = figures(rounds, name);
      const cpu = at((r) => r.cpuUsPerRequest);
      console.log(`| ${name} | ${at((r) => r.latencyMs.p50).toFixed(3)} | ${added((r) => r.latencyMs.p50)} | ${at((r) => r.firstTokenMs.p50).toFixed(3)} | ${added((r) => r.firstTokenMs.p50)} | ${at((r) => r.rps).toFixed(0)} | ${name === 'direct' ? '—' : cpu.toFixed(0)} | ${name === 'direct' ? '—' : (cpu / floorCpu).toFixed(2)} |`);
    }
  }

  console.log('\n## Routing decision time (pure core, 200 rules, most requests matching none)');
  console.log('| models | p50 µs | p99 µs |\n|---|---|---|');
  for (const models of [10, 100, 1000]) {
    const result = benchDecide({ models, rules: 200, iterations: quick ? 20_000 : 100_000 });
    console.log(`| ${models} | ${result.p50Us} | ${result.p99Us} |`);
  }

  for (const grove of groves) await failoverScenario(grove, auth);
  await telemetryScenario(groves[0]!, upstream);

  // last: the thousands of models it adds would change what the scenarios above measure
  for (const grove of groves) await applyScenario(grove, upstream);
}

async function failoverScenario(grove: Grove, auth: Record<string, string>) {
  const url = `${grove.url}/v1/chat/completions`;
  console.log(`\n## Failover on ${grove.name}: a failing primary with a healthy fallback (10 connections)`);
  const healthy = await runLoad({ url, headers: auth, body: body('bench', false), connections: 10, durationMs: DURATION_MS, warmupMs: WARMUP_MS });
  console.log('| primary | p50 ms | p99 ms | added p50 vs healthy | added p99 vs healthy | req/s | % of healthy req/s | answered | served by |\n|---|---|---|---|---|---|---|---|---|');
  console.log(failoverRow('healthy (no failover)', healthy, healthy));
  for (const [label, model] of [['refuses connections', 'primary-refused'], ['answers 503', 'primary-503'], ['answers 429 (retry-after 1 s)', 'primary-429'], ['hangs (timeout 250 ms)', 'primary-hang']] as const) {
    // no warm-up: the first requests, before the circuit opens, are part of the story
    const result = await runLoad({ url, headers: auth, body: body(model, false), connections: 10, durationMs: DURATION_MS });
    console.log(failoverRow(label, result, healthy));
  }
  const flaky = await runLoad({ url, headers: auth, body: body('primary-flaky', false), connections: 10, durationMs: DURATION_MS });
  console.log(failoverRow('fails 30% of calls', flaky, healthy));
  const primaryShare = ((flaky.servedBy['primary-flaky'] ?? 0) / Math.max(1, flaky.requests)) * 100;
  console.log(`\nAvailability with 30% of the primary's calls failing: ${flaky.requests - flaky.errors}/${flaky.requests} answered; the primary served ${primaryShare.toFixed(1)}% (the rest failed over).`);
}

/** Grove as `npm start` runs it, on its own database: the bundled server with its node flags. */
function startGrove(env: Record<string, string>): Promise<Child> {
  return track(
    startChild('dist/server/main.mjs', { PORT: '0', HOST: '127.0.0.1', ...env, GROVE_SECRET_KEY: 'bench-secret-key-0123456789', GROVE_ADMIN_KEY: ADMIN_KEY, GROVE_SEED: 'false', GROVE_DEMO_TRAFFIC: 'off', GROVE_LOG_LEVEL: 'warn', GROVE_RATE_LIMIT_PER_MINUTE: '1000000000', GROVE_BODY_LIMIT_BYTES: String(64 * 1024 * 1024) }, /listening on http:\/\/127\.0\.0\.1:(\d+)/, startNodeFlags()),
  );
}

/**
 * What telemetry costs: a second Grove, the same in every way but GROVE_TELEMETRY=off (no live
 * windows, rollups or Prometheus counts; the request log is written by both), measured against the
 * first: latency in interleaved rounds, throughput side by side (both loaded at once). Targets: ≤ 0.1 ms added at p50 (open loop), ≤ 5% fewer req/s (closed loop).
 */
async function telemetryScenario(grove: Grove, upstream: string) {
  const record = benchRecord(quick ? 100_000 : 500_000);
  console.log(`\n## Telemetry overhead\nIn process: recording one request in the aggregator costs ${record.jsonNs.toFixed(0)} ns (JSON) / ${record.streamNs.toFixed(0)} ns (stream, with time to first token).`);
  // Two new Groves, on and off, in the database mode of `grove`, each in a database (or data
  // folder) of its own. Not `grove` itself: after the scenarios before this one its request log
  // holds millions of rows (its database's writes cost more) and its live history is full, and
  // against a fresh process that alone cost it ~7% of its throughput.
  const fresh = async (suffix: string, telemetry: 'on' | 'off') => {
    const database = groveDatabases(suffix).find((candidate) => candidate.name === grove.name)!;
    const child = await startGrove({ ...database.env, GROVE_TELEMETRY: telemetry });
    await registerModels(`http://127.0.0.1:${child.port}`, upstream);
    return child;
  };
  const groveOn = await fresh('_on', 'on');
  const groveOff = await fresh('_off', 'off');
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const targets = (stream: boolean, ratePerSecond?: number): Array<RoundTarget<'on' | 'off'>> =>
    (
      [
        ['on', groveOn],
        ['off', groveOff],
      ] as const
    ).map(([name, child]) => ({ name, child, load: (durationMs, warmupMs) => runLoad({ url: `http://127.0.0.1:${child.port}/v1/chat/completions`, headers: auth, body: body('bench', stream), connections: 10, durationMs, warmupMs, ratePerSecond }) }));
  console.log(`End to end on ${grove.name}: the same Grove with telemetry on and off (GROVE_TELEMETRY=off), 10 connections: latency in alternating rounds, throughput side by side.`);
  console.log('| mode | load | p50 on ms | p50 off ms | added p50 (on − off) | target | req/s on | req/s off | on ÷ off (min–max) | target | CPU µs/req on / off |\n|---|---|---|---|---|---|---|---|---|---|---|');
  for (const stream of [false, true]) {
    for (const rate of [PACED_RATE, undefined]) {
      // the open loop's latencies in alternating rounds (each alone at its rate); throughput side by side
      const pair = targets(stream, rate);
      const rounds = rate ? await interleaved(pair) : await sideBySide(pair as [RoundTarget<'on' | 'off'>, RoundTarget<'on' | 'off'>]);
      const on = rounds.on!;
      const off = rounds.off!;
      const at = (name: 'on' | 'off', pick: (result: RoundResult) => number) => median((name === 'on' ? on : off).map(pick));
      const added = median(on.map((result, round) => result.latencyMs.p50 - off[round]!.latencyMs.p50));
      const ratios = on.map((result, round) => result.rps / off[round]!.rps);
      const ratio = median(ratios);
      const load = rate ? `open loop ${rate} req/s` : 'closed loop, side by side';
      // the open loop is where a request's own cost shows; the closed loop is where throughput does
      const latencyTarget = rate ? `≤ 0.1 ms ${added <= 0.1 ? 'met' : 'MISSED'}` : '—';
      const throughputTarget = rate ? '—' : `≥ 0.95 ${ratio >= 0.95 ? 'met' : 'MISSED'}`;
      console.log(
        `| ${stream ? 'stream' : 'json'} | ${load} | ${at('on', (r) => r.latencyMs.p50).toFixed(3)} | ${at('off', (r) => r.latencyMs.p50).toFixed(3)} | ${added.toFixed(3)} | ${latencyTarget} | ${at('on', (r) => r.rps).toFixed(0)} | ${at('off', (r) => r.rps).toFixed(0)} | ${ratio.toFixed(3)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${throughputTarget} | ${at('on', (r) => r.cpuUsPerRequest).toFixed(0)} / ${at('off', (r) => r.cpuUsPerRequest).toFixed(0)} |`,
      );
    }
  }
  // stopped before the apply scenario, which their idle ticks would only disturb
  await Promise.all([groveOn.stop(), groveOff.stop()]);
}

/**
 * The embedded database against PostgreSQL, with the embedded database's targets: its peak RSS
 * under this load and during its first start, its added p99 within 1.5× of PostgreSQL mode's, its
 * throughput at least 90% of PostgreSQL mode's (ratios taken within each round).
 */
function databaseComparison(groves: Grove[], closedLoop: Record<string, Rounds>, openLoop: Record<string, Rounds>, sideBySideLoops: Record<string, Rounds>, sideBySideOpen: Record<string, Rounds>) {
  const embedded = groves.find((grove) => grove.name === 'grove-pglite')!;
  const postgres = groves.find((grove) => grove.name === 'grove-pg');
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log('\n## The embedded database (PGlite) beside PostgreSQL');
  console.log('| figure | PostgreSQL | embedded | target (embedded) |\n|---|---|---|---|');
  const peak = (grove: Grove | undefined) => (grove ? processStats(grove.child.pid).peakRssMb : NaN);
  const mb = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(0));
  console.log(`| peak RSS under the load above, MB | ${mb(peak(postgres))} | ${mb(peak(embedded))} | ≤ 250 ${met(peak(embedded) <= 250)} |`);
  console.log(`| peak RSS during the first start (fresh data folder), MB | ${mb(postgres?.startPeakRssMb ?? NaN)} | ${mb(embedded.startPeakRssMb)} | ≤ 300 ${met(embedded.startPeakRssMb <= 300)} |`);
  if (!postgres) return;
  const addedP99 = (rounds: Rounds, name: TargetName) => median(rounds[name]!.map((result, round) => result.latencyMs.p99 - rounds.direct![round]!.latencyMs.p99));
  // Judged side by side, both databases (and for latency the upstream, called directly) loaded at
  // the same time: the closed loop for throughput, the open loop for a request's tail (in the closed
  // loop a tail is mostly the queue). The alternating rounds above are shown, not judged.
  const rows: Array<[string, Rounds, boolean]> = [
    ...Object.entries(closedLoop).map(([label, rounds]): [string, Rounds, boolean] => [`closed loop, ${label} connections, alternating rounds`, rounds, false]),
    ...Object.entries(openLoop).map(([label, rounds]): [string, Rounds, boolean] => [`open loop ${PACED_RATE} req/s, ${label}, alternating rounds`, rounds, false]),
    ...Object.entries(sideBySideOpen).map(([label, rounds]): [string, Rounds, boolean] => [`open loop ${PACED_RATE / 2} req/s each, ${label}, side by side`, rounds, true]),
  ];
  for (const [label, rounds, judged] of rows) {
    const pg = addedP99(rounds, 'grove-pg');
    const lite = addedP99(rounds, 'grove-pglite');
    // within 1.5×, or within a tenth of a millisecond where both are that small
    console.log(`| added p99, ${label}, ms | ${pg.toFixed(3)} | ${lite.toFixed(3)} (${(lite / pg).toFixed(2)}×) | ${judged ? `≤ 1.5× ${met(lite <= 1.5 * pg || lite - pg <= 0.1)}` : 'not judged'} |`);
  }
  const throughput = (label: string, rounds: Rounds, judged: boolean) => {
    const ratios = rounds['grove-pglite']!.map((result, round) => result.rps / rounds['grove-pg']![round]!.rps);
    const ratio = median(ratios);
    const spread = `${(Math.min(...ratios) * 100).toFixed(0)}–${(Math.max(...ratios) * 100).toFixed(0)}%`;
    console.log(`| req/s, ${label} | ${median(rounds['grove-pg']!.map((r) => r.rps)).toFixed(0)} | ${median(rounds['grove-pglite']!.map((r) => r.rps)).toFixed(0)} (${(ratio * 100).toFixed(0)}%, ${spread}) | ${judged ? `≥ 90% ${met(ratio >= 0.9)}` : 'not judged'} |`);
  };
  for (const [label, rounds] of Object.entries(closedLoop)) throughput(`closed loop, ${label} connections, alternating rounds`, rounds, false);
  for (const [label, rounds] of Object.entries(sideBySideLoops)) throughput(`closed loop, ${label} connections, side by side`, rounds, true);
}

/**
 * Targets: 1,000 models applied in ≤ 3 s, 10,000 in ≤ 30 s, and no /v1 request delayed by more
 * than 50 ms meanwhile. The same requests sent straight to the upstream at the same time show what
 * the machine alone did to a request; they are not subtracted from anything.
 */
async function applyScenario(grove: Grove, upstream: string) {
  const targets: Record<number, number> = { 1_000: 3_000, 10_000: 30_000 };
  console.log(`\n## A large apply on ${grove.name} while /v1 traffic flows (one /v1 request due every 10 ms, open loop; the same straight to the upstream)`);
  console.log('| models | apply s | target | /v1 requests | errors | /v1 delay p99 ms | /v1 delay max ms | target | direct p99 / max ms | sent late, max ms |\n|---|---|---|---|---|---|---|---|---|---|');
  const whens: string[] = [];
  for (const count of [1_000, 10_000]) {
    const result = await benchApply({ groveUrl: grove.url, adminKey: ADMIN_KEY, upstream, count, groveBody: body('bench', false), directBody: body('bench-model', false) });
    if (result.created !== count) throw new Error(`applying ${count} models created ${result.created}`);
    const { grove: through, direct } = result;
    const within = (value: number, limit: number) => `≤ ${limit / 1000} s ${value <= limit ? 'met' : 'MISSED'}`;
    console.log(
      `| ${count} | ${(result.applyMs / 1000).toFixed(2)} | ${within(result.applyMs, targets[count]!)} | ${through.requests} | ${through.errors} | ${through.p99DelayMs.toFixed(1)} | ${through.maxDelayMs.toFixed(1)} | ≤ 50 ms ${through.maxDelayMs <= 50 ? 'met' : 'MISSED'} | ${direct.p99DelayMs.toFixed(1)} / ${direct.maxDelayMs.toFixed(1)} | ${Math.max(through.maxLateSendMs, direct.maxLateSendMs).toFixed(1)} |`,
    );
    // where in the apply the slow ones were: the body's parse, the checks, the writes, the merge
    whens.push(`${count} models: ${through.slowest.map(({ dueMs, delayMs }) => `${delayMs.toFixed(0)} ms at +${dueMs.toFixed(0)}`).join(', ')}`);
  }
  console.log(`\nThe slowest /v1 requests through Grove, and when each was due (ms after the apply was sent):\n${whens.map((line) => `- ${line}`).join('\n')}`);
}

type GroveName = 'grove-pg' | 'grove-pglite';
type TargetName = 'direct' | 'floor' | GroveName;

interface RoundTarget<Name extends string = TargetName> {
  name: Name;
  /** the process whose CPU is counted (none for the upstream called directly) */
  child?: Child;
  load(durationMs: number, warmupMs: number): Promise<LoadResult>;
}

interface RoundResult extends LoadResult {
  cpuUsPerRequest: number;
  /** the process's resident memory after the round */
  rssMb: number;
}

type Rounds<Name extends string = TargetName> = Partial<Record<Name, RoundResult[]>>;

/**
 * Warms every target up, then measures them in ROUNDS interleaved rounds, the order rotating from
 * round to round. On a shared machine the load of the neighbours comes in bursts of seconds: in
 * rounds, a burst falls on every target instead of on whichever one runs at that moment.
 */
async function interleaved<Name extends string>(targets: Array<RoundTarget<Name>>): Promise<Rounds<Name>> {
  for (const target of targets) await target.load(WARMUP_MS, WARMUP_MS);
  const rounds = Object.fromEntries(targets.map((target) => [target.name, []])) as unknown as Rounds<Name>;
  for (let round = 0; round < ROUNDS; round++) {
    for (let step = 0; step < targets.length; step++) {
      const target = targets[(round + step) % targets.length]!;
      rounds[target.name]!.push(await measured(target.child, () => target.load(ROUND_MS, ROUND_WARMUP_MS)));
    }
  }
  return rounds;
}

/**
 * Two targets under load at the same time, ROUNDS times: the judged throughput ratios (embedded ÷
 * PostgreSQL, telemetry on ÷ off) compare them in the very same seconds of the shared machine. In
 * alternating rounds a burst of the neighbours' load fell on one of the two and moved a round's
 * ratio by ±20% (0.65–1.15 over nine rounds for the same build); side by side, both get it. Each
 * gets about half of what it would alone, through the same load generator.
 */
async function sideBySide<Name extends string>(targets: Array<RoundTarget<Name>>): Promise<Rounds<Name>> {
  await Promise.all(targets.map((target) => target.load(WARMUP_MS, WARMUP_MS)));
  const rounds = Object.fromEntries(targets.map((target) => [target.name, []])) as unknown as Rounds<Name>;
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(targets.map((target) => measured(target.child, () => target.load(ROUND_MS, ROUND_WARMUP_MS))));
    results.forEach((result, at) => rounds[targets[at]!.name]!.push(result));
  }
  return rounds;
}

/** Runs a load and records the target process's CPU time per request (every request sent, warm-up included). */
async function measured(child: Child | undefined, load: () => Promise<LoadResult>): Promise<RoundResult> {
  const before = child ? processStats(child.pid) : undefined;
  const result = await load();
  if (!child || !before) return { ...result, cpuUsPerRequest: NaN, rssMb: NaN };
  const after = processStats(child.pid);
  const sent = result.requests + result.warmupRequests;
  return { ...result, cpuUsPerRequest: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / Math.max(1, sent), rssMb: after.rssMb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A target's figures over the rounds: `at`, the median of a figure; `added`, the median of (target −
 * direct) with each difference taken within its round, printed ('—' for direct itself).
 */
function figures(rounds: Rounds, name: TargetName) {
  return {
    at: (pick: (result: RoundResult) => number) => median(rounds[name]!.map(pick)),
    added: (pick: (result: LoadResult) => number) => (name === 'direct' ? '—' : median(rounds[name]!.map((result, round) => pick(result) - pick(rounds.direct![round]!))).toFixed(3)),
  };
}

function overheadRows(mode: string, connections: number, rounds: Rounds, names: TargetName[]): string[] {
  const f = (value: number) => value.toFixed(3);
  const row = (name: TargetName) => {
    const results = rounds[name]!;
    const { at, added } = figures(rounds, name);
    const ratios = results.map((result, round) => result.rps / rounds.floor![round]!.rps);
    const ratio = name === 'direct' ? '—' : name === 'floor' ? '1.00' : `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    const usage = name === 'direct' ? '— | —' : `${at((r) => r.cpuUsPerRequest).toFixed(0)} | ${results.at(-1)!.rssMb.toFixed(0)}`;
    const errors = results.reduce((sum, result) => sum + result.errors, 0);
    return `| ${mode} | ${connections} | ${name} | ${f(at((r) => r.latencyMs.p50))} | ${f(at((r) => r.latencyMs.p99))} | ${added((r) => r.latencyMs.p50)} | ${added((r) => r.latencyMs.p99)} | ${f(at((r) => r.firstTokenMs.p50))} | ${added((r) => r.firstTokenMs.p50)} | ${at((r) => r.rps).toFixed(0)} | ${ratio} | ${errors} | ${usage} |`;
  };
  return names.map(row);
}

function failoverRow(label: string, result: LoadResult, healthy: LoadResult): string {
  const served = Object.entries(result.servedBy).map(([model, count]) => `${model} ${count}`).join(', ');
  return `| ${label} | ${result.latencyMs.p50.toFixed(3)} | ${result.latencyMs.p99.toFixed(3)} | ${(result.latencyMs.p50 - healthy.latencyMs.p50).toFixed(3)} | ${(result.latencyMs.p99 - healthy.latencyMs.p99).toFixed(3)} | ${result.rps.toFixed(0)} | ${((result.rps / healthy.rps) * 100).toFixed(0)}% | ${result.requests - result.errors}/${result.requests} | ${served} |`;
}

async function registerModels(groveUrl: string, upstream: string) {
  const model = (id: string, baseUrl: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id },
    spec: { provider: 'openai-compatible', model: 'bench-model', baseUrl, capabilities: { reasoning: 80, creativity: 80, precision: 80, speed: 80, context: 80 }, contextWindow: 128000, maxOutputTokens: 4096, pricing: { inputPer1M: 1, outputPer1M: 2 }, timeoutMs: 5_000, lifecycle: 'active', ...extra },
  });
  const objects = [
    model('bench', `${upstream}/v1`, { aliases: ['bench-alias'] }),
    model('primary-refused', 'http://127.0.0.1:9/v1', { fallbacks: ['bench'] }),
    model('primary-503', `${upstream}/fail-503/v1`, { fallbacks: ['bench'] }),
    model('primary-429', `${upstream}/fail-429/v1`, { fallbacks: ['bench'] }),
    model('primary-hang', `${upstream}/hang/v1`, { fallbacks: ['bench'], timeoutMs: 250 }),
    model('primary-flaky', `${upstream}/flaky-30/v1`, { fallbacks: ['bench'] }),
  ];
  const response = await fetch(`${groveUrl}/api/v1/apply`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ objects }) });
  if (!response.ok) throw new Error(`registering the bench models failed: ${response.status} ${await response.text()}`);
}

/** The node flags `npm start` runs the server with (package.json), so the benchmark measures the same process. */
function startNodeFlags(): string[] {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return /\bnode ((?:--[\w-]+(?:=\S+)? )*)dist\/server\/main\.mjs/.exec(script)?.[1]?.trim().split(' ').filter(Boolean) ?? [];
}

async function track(started: Promise<Child>): Promise<Child> {
  const child = await started;
  children.push(child);
  return child;
}

async function stopAll() {
  await Promise.all(children.map((child) => child.stop()));
  for (const cleanup of cleanups) cleanup();
}

// stopped from a terminal or by a script (`timeout`, `kill`): its children and databases go with it
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));
main()
  .then(stopAll)
  .catch(async (error: unknown) => {
    console.error(error);
    await stopAll();
    process.exit(1);
  });
