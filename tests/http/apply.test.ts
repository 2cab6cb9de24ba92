import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness } from '../support/gateway';
import { modelObject } from '../routers/fixtures';
import { worstEventLoopBlock } from '../support/event-loop-blocking';

/**
 * POST /api/v1/apply on the real HTTP server: a large apply must not hold up `/v1` traffic, and
 * applies that race for one new id answer alike on both drivers.
 */
const PROBE = 'apply-probe';
const MODELS = 2_000;
/**
 * How much longer than while it only serves /v1 the server's event loop (this process's: the
 * server runs in the test) may be held up while an apply runs: what the apply may add to a /v1
 * request's delay. Both measured as CPU-backed blocking (../support/event-loop-blocking.ts), so a
 * machine busy with other work shows in neither; what the machine and the garbage collector do
 * to the serving alone is the baseline, measured in the same run.
 */
const MAX_BLOCKED_MILLISECONDS = 50;
/** long enough for the baseline to meet a few of the collector's pauses */
const BASELINE_REQUESTS = 300;

describe.each(testDrivers)('apply over HTTP on %s', (driver) => {
  let gateway: GatewayHarness;
  beforeAll(async () => {
    gateway = await startGateway({ driver, objects: [gatewayModel(PROBE, 'simulated', undefined)] });
  });
  afterAll(async () => gateway.close());

  /** `objects`, or the body already written (so that the client's own JSON.stringify is not measured) */
  const applyOverHttp = async (objects: unknown[] | string) => {
    const response = await fetch(`${gateway.url}/api/v1/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
      body: typeof objects === 'string' ? objects : JSON.stringify({ objects }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { results: Array<{ id: string; action: string; revision: number }> }).results;
  };

  const serveOnly = async (count: number) => {
    for (let index = 0; index < count; index++) {
      expect((await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: PROBE, messages: hello })).status).toBe(200);
    }
  };

  /**
   * Applies while /v1 requests go one after another; returns the results, how many requests were
   * answered meanwhile, and the longest the event loop was held up.
   */
  const applyWhileServing = async (objects: unknown[]) => {
    const body = JSON.stringify({ objects });

    const { result, worstMs } = await worstEventLoopBlock(async () => {
      let done = false;
      const finished = applyOverHttp(body).finally(() => (done = true));
      let answered = 0;
      while (!done) {
        const answer = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model: PROBE, messages: hello });
        expect(answer.status).toBe(200);
        answered++;
      }
      return { results: await finished, answered };
    });
    return { ...result, worstMs };
  };

  const models = (change: (index: number) => Record<string, unknown> = () => ({})) =>
    Array.from({ length: MODELS }, (_, index) => modelObject(`bulk-${String(index).padStart(5, '0')}`, { fallbacks: index % 2 ? [`bulk-${String(index - 1).padStart(5, '0')}`] : [], aliases: [`bulk-alias-${index}`], ...change(index) }));

  it(`applies ${MODELS} models while /v1 requests are answered, holding up the event loop at most ${MAX_BLOCKED_MILLISECONDS} ms longer than serving alone does`, async () => {
    // a server that has served before: the first requests' compiling of the gateway's code is the baseline's
    const baseline = await worstEventLoopBlock(() => serveOnly(BASELINE_REQUESTS));
    const allowedMs = baseline.worstMs + MAX_BLOCKED_MILLISECONDS;
    const created = await applyWhileServing(models());
    expect(created.results).toHaveLength(MODELS);
    expect(created.results.every((entry) => entry.action === 'created' && entry.revision === 1)).toBe(true);
    expect(created.answered).toBeGreaterThan(1);
    expect(created.worstMs, `baseline ${baseline.worstMs.toFixed(1)} ms`).toBeLessThan(allowedMs);
    expect(gateway.services.registry.snapshot.models).toHaveLength(MODELS + 1);

    const again = await applyWhileServing(models());
    expect(again.results.every((entry) => entry.action === 'unchanged' && entry.revision === 1)).toBe(true);
    expect(again.worstMs, `baseline ${baseline.worstMs.toFixed(1)} ms`).toBeLessThan(allowedMs);

    const changed = await applyOverHttp(models((index) => (index === 1234 ? { model: 'changed' } : {})));
    expect(changed.filter((entry) => entry.action !== 'unchanged')).toEqual([{ kind: 'Model', id: 'bulk-01234', action: 'updated', revision: 2 }]);
    expect(gateway.services.registry.get('Model', 'bulk-01234').spec).toMatchObject({ model: 'changed' });
  }, 120_000);

  it('answers twenty applies of one new id that arrive together with one created and nineteen CONFLICTs', async () => {
    const { port, hostname } = new URL(gateway.url);
    const head = `host: ${hostname}\r\nauthorization: Bearer ${gateway.adminKey}`;
    // Twenty keep-alive connections, each answered once already: the server has accepted them all
    // and reads the next requests together, as it would a burst from twenty clients.
    const connections = await Promise.all(Array.from({ length: 20 }, () => openConnection(Number(port), hostname)));
    await Promise.all(connections.map((connection) => connection.exchange(`GET /healthz HTTP/1.1\r\n${head}\r\n\r\n`)));
    const answers = connections.map((connection, index) => {
      const body = JSON.stringify({ objects: [modelObject('raced', { model: `writer-${index}` })] });
      return connection.exchange(`POST /api/v1/apply HTTP/1.1\r\n${head}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    const responses = await Promise.all(answers);
    for (const connection of connections) connection.close();
    const created = responses.filter((response) => response.status === 200).map((response) => JSON.parse(response.body) as unknown);
    expect(created, responses.map((response) => `${response.status} ${response.body}`).join('\n')).toEqual([{ results: [{ kind: 'Model', id: 'raced', action: 'created', revision: 1 }] }]);
    const conflicts = responses.filter((response) => response.status === 409);
    expect(conflicts).toHaveLength(19);
    for (const conflict of conflicts) expect(JSON.parse(conflict.body)).toMatchObject({ title: 'CONFLICT', detail: 'Model "raced" already exists' });
    expect((await gateway.grove.admin.models.history({ id: 'raced' })).items).toHaveLength(1);
  });
});

/** One keep-alive HTTP/1.1 connection, spoken by hand so that the test decides when each byte leaves. */
function openConnection(port: number, host: string): Promise<{ exchange(request: string): Promise<{ status: number; body: string }>; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => resolve({ exchange, close: () => socket.destroy() }));
    socket.once('error', reject);
    let buffered = '';
    let waiting: ((answer: { status: number; body: string }) => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
      if (end < 0 || Buffer.byteLength(buffered.slice(end + 4)) < length) return;
      const answer = { status: Number(buffered.split(' ')[1]), body: buffered.slice(end + 4) };
      buffered = '';
      waiting?.(answer);
    });
    const exchange = (request: string) =>
      new Promise<{ status: number; body: string }>((answered) => {
        waiting = answered;
        socket.write(request);
      });
  });
}
