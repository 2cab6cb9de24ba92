import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createGroveClient, type GatewayStreamEvent } from '../../server/client';

const ADMIN_KEY = 'grove_shutdown_admin_key_0123';

/** Grove as a real process, so that SIGTERM is the real signal and the exit code the real one. */
function startGrove(env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', GROVE_DATA_DIR: 'memory://', GROVE_ADMIN_KEY: ADMIN_KEY, GROVE_SEED: 'false', GROVE_DEMO_TRAFFIC: 'off', GROVE_LOG_LEVEL: 'warn', GROVE_STATIC_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Grove did not start:\n${output}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), exited });
      }
    });
  });
}

/** `onData`: called with each piece of the answer as it arrives (a stream's first event, say). */
function post(port: number, path: string, body: unknown, onData?: () => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const outgoing = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        onData?.();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** A simulated model that streams `tokens` tokens at 20 a second, one per delta. */
function slowModel(id: string, tokens: number) {
  return {
    apiVersion: 'grove/v1',
    kind: 'Model',
    metadata: { id },
    spec: { provider: 'simulated', model: 'slow', capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: tokens, pricing: { inputPer1M: 1, outputPer1M: 1 }, lifecycle: 'active', simulation: { latencyMs: { p50: 100, p99: 150 }, tokensPerSecond: 20, errorRate: 0, seed: 1 } },
  };
}

/**
 * A gateway.stream subscription over ws, as an internal service runs it; SIGTERM is sent to Grove
 * once the first text delta arrived. Resolves with every event and how the subscription ended.
 */
function streamThroughSigterm(port: number, child: ChildProcess, model: string) {
  const grove = createGroveClient({ url: `http://127.0.0.1:${port}`, apiKey: ADMIN_KEY });
  const events: GatewayStreamEvent[] = [];
  return new Promise<{ events: GatewayStreamEvent[]; error?: Error & { data?: { code?: string } }; cut?: true }>((resolve) => {
    let signalled = false;
    grove.gateway.stream.subscribe(
      { model, messages: [{ role: 'user', content: 'hi' }] },
      {
        onData: (event) => {
          events.push(event);
          if (event.type === 'text' && !signalled) {
            signalled = true;
            child.kill('SIGTERM');
          }
          if (event.type === 'done') resolve({ events });
        },
        onError: (error) => resolve({ events, error: error as Error & { data?: { code?: string } } }),
        // the socket went away under a subscription that had neither finished nor failed: the
        // client would silently send it again on its next connection
        onConnectionStateChange: (state) => {
          if (signalled && state.state === 'connecting') resolve({ events, cut: true });
        },
      },
    );
  }).finally(() => grove.close());
}

// each test starts Grove as a process of its own: slow on a busy machine
describe('SIGTERM', { timeout: 120_000 }, () => {
  test('lets an in-flight tRPC subscription finish: every delta, then done; exits 0', async () => {
    const { child, port, exited } = await startGrove();
    try {
      expect((await post(port, '/api/v1/apply', { objects: [slowModel('slow-sub', 30)] })).status).toBe(200);
      const { events, error, cut } = await streamThroughSigterm(port, child, 'slow-sub');
      expect(cut).toBeUndefined();
      expect(error).toBeUndefined();
      const done = events.at(-1) as Extract<GatewayStreamEvent, { type: 'done' }>;
      expect(done.type).toBe('done');
      // one token per delta at 20 tokens a second: every one of them arrived
      expect(events.filter((event) => event.type === 'text')).toHaveLength(done.usage!.completionTokens);
      expect(done.usage!.completionTokens).toBe(30);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('ends a tRPC subscription that outlasts the drain deadline with a clear error; exits 0', async () => {
    const { child, port, exited } = await startGrove({ GROVE_SHUTDOWN_DRAIN_MS: '500' });
    try {
      // 200 tokens at 20 a second: 10 s, far past the half-second drain
      expect((await post(port, '/api/v1/apply', { objects: [slowModel('endless-sub', 200)] })).status).toBe(200);
      const { events, error, cut } = await streamThroughSigterm(port, child, 'endless-sub');
      expect(cut).toBeUndefined();
      expect(events.some((event) => event.type === 'text')).toBe(true);
      expect(events.some((event) => event.type === 'done')).toBe(false);
      expect(error?.message).toMatch(/server shutting down/);
      expect(error?.data?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });


  test('lets an in-flight stream finish, then exits 0; new connections are refused', async () => {
    const { child, port, exited } = await startGrove();
    try {
      const model = {
        apiVersion: 'grove/v1',
        kind: 'Model',
        metadata: { id: 'slow-sim' },
        // about 1.5 s of streaming: long enough to send SIGTERM in the middle of it
        spec: { provider: 'simulated', model: 'slow', capabilities: { reasoning: 50, creativity: 50, precision: 50, speed: 50, context: 50 }, contextWindow: 8000, maxOutputTokens: 30, pricing: { inputPer1M: 1, outputPer1M: 1 }, lifecycle: 'active', simulation: { latencyMs: { p50: 100, p99: 150 }, tokensPerSecond: 20, errorRate: 0, seed: 1 } },
      };
      expect((await post(port, '/api/v1/apply', { objects: [model] })).status).toBe(200);

      let started!: () => void;
      const firstData = new Promise<void>((resolve) => (started = resolve));
      const streaming = post(port, '/v1/chat/completions', { model: 'slow-sim', stream: true, max_tokens: 30, messages: [{ role: 'user', content: 'hi' }] }, () => started());
      // in the middle of the stream: once its first bytes arrived
      await firstData;
      child.kill('SIGTERM');

      const answer = await streaming;
      expect(answer.status).toBe(200);
      expect(answer.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(await exited).toBe(0);
      await expect(post(port, '/v1/chat/completions', {})).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('does not wait for a connection that never sent a byte (a preconnect); exits 0 within seconds', async () => {
    const { child, port, exited } = await startGrove();
    const silent: Socket = connect(port, '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => silent.once('connect', resolve).once('error', reject));
      const closed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
      const sentAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await closed;
      // without closing it, shutdown waited for the server's headers timeout: a minute
      expect(Date.now() - sentAt).toBeLessThan(15_000);
    } finally {
      silent.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
