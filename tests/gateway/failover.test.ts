import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { fixtureText, splitSseEvents, startFakeAnthropic, startFakeOpenAI, type FakeBehavior, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, refusedUrl, startGateway, uniqueId, type GatewayHarness } from '../support/gateway';

/**
 * Every failover trigger, each with a healthy fallback (an Anthropic fake), through /v1 and the
 * tRPC gateway: who answered, how many attempts it took, and what the decision log kept.
 */
interface Answer {
  status: number;
  model?: string;
  attempts?: number;
  decisionId?: string;
  /** the answer's text (stream: the content deltas joined) */
  text: string;
  /** a stream on /v1 as it came over the wire */
  raw?: string;
}

type Transport = 'v1' | 'trpc';

const midStreamFailure = `data: ${JSON.stringify({ error: { message: 'upstream broke', type: 'server_error', param: null, code: null } })}\n\n`;
// the role chunk carries no content: a failure right after it is still "before the first byte"
const failureBeforeFirstDelta = `${splitSseEvents(fixtureText('openai', 'stream-include-usage.sse'))[0]}${midStreamFailure}`;

interface Trigger {
  name: string;
  behavior?: FakeBehavior;
  refused?: boolean;
  errorKind: string;
  stream?: boolean;
}

const triggers: Trigger[] = [
  { name: 'refusing connections', refused: true, errorKind: 'connection' },
  { name: 'answering 503', behavior: { status: 503 }, errorKind: 'overloaded' },
  { name: 'answering 500', behavior: { status: 500 }, errorKind: 'server' },
  { name: 'answering 401', behavior: { status: 401 }, errorKind: 'auth' },
  { name: 'answering 404', behavior: { status: 404 }, errorKind: 'not_found' },
  { name: 'resetting the connection', behavior: { reset: 'before-headers' }, errorKind: 'connection' },
  { name: 'answering 503 to a stream', behavior: { status: 503 }, errorKind: 'overloaded', stream: true },
  { name: 'failing a stream before its first delta', behavior: { sse: failureBeforeFirstDelta }, errorKind: 'server', stream: true },
];

/** The content deltas of an SSE answer, joined. */
function streamedText(sse: string): string {
  let text = '';
  for (const event of sse.split('\n\n')) {
    if (!event.startsWith('data: {')) continue;
    const chunk = JSON.parse(event.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}

describe.each(testDrivers)('failover on %s', (driver) => {
  let gateway: GatewayHarness;
  let backupFake: FakeUpstream;
  const primaries: FakeUpstream[] = [];

  beforeAll(async () => {
    backupFake = await startFakeAnthropic();
    gateway = await startGateway({ driver });
  });
  afterAll(async () => {
    await gateway?.close();
    await backupFake?.close();
    for (const fake of primaries) await fake.close();
  });

  /** A fresh primary (its own fake, its own circuit) with the shared healthy backup as its fallback. */
  async function pair(name: string, options: { behavior?: FakeBehavior; refused?: boolean; spec?: Record<string, unknown> } = {}) {
    const fake = options.refused ? undefined : await startFakeOpenAI({ behavior: options.behavior });
    if (fake) primaries.push(fake);
    const primaryId = uniqueId(`${name}-primary`);
    const backupId = uniqueId(`${name}-backup`);
    await gateway.apply(
      gatewayModel(backupId, 'anthropic', backupFake.url),
      gatewayModel(primaryId, 'openai-compatible', fake?.url ?? (await refusedUrl('/v1')), { fallbacks: [backupId], ...options.spec }),
    );
    return { primaryId, backupId, fake };
  }

  async function ask(transport: Transport, model: string, stream = false, grove?: unknown): Promise<Answer> {
    if (transport === 'v1') {
      const response = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, { model, messages: hello, stream, grove });
      const text = stream && response.status === 200 ? streamedText(response.text) : String(response.json?.choices?.[0]?.message?.content ?? response.text);
      return { status: response.status, model: response.headers.get('x-grove-model') ?? undefined, attempts: Number(response.headers.get('x-grove-attempts') ?? NaN), decisionId: response.headers.get('x-grove-decision-id') ?? undefined, text, raw: response.text };
    }
    const caller = gateway.grove.callerFor(gateway.invokeKey);
    try {
      if (!stream) {
        const { completion, grove: meta } = await caller.gateway.complete({ model, messages: hello, grove });
        return { status: 200, model: meta.model, attempts: meta.attempts.filter((attempt) => attempt.outcome !== 'skipped').length, decisionId: meta.decisionId, text: completion.choices[0]?.message.content ?? '' };
      }
      let answer: Answer = { status: 200, text: '' };
      for await (const event of await caller.gateway.stream({ model, messages: hello, grove })) {
        if (event.type === 'start') answer = { ...answer, model: event.model, attempts: event.attempts, decisionId: event.id };
        if (event.type === 'text') answer.text += event.text;
        if (event.type === 'error') answer.text += `error: ${event.message}`;
      }
      return answer;
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      const status = { BAD_REQUEST: 400, NOT_FOUND: 404, SERVICE_UNAVAILABLE: 503, TOO_MANY_REQUESTS: 429 }[error.code as string] ?? 500;
      return { status, text: error.message };
    }
  }

  async function decision(id: string) {
    return gateway.grove.admin.decisions.get({ id });
  }

  describe.each<Transport>(['v1', 'trpc'])('through %s', (transport) => {
    it.each(triggers)('fails over from a primary $name', async (trigger) => {
      const { primaryId, backupId, fake } = await pair('t', trigger);
      const answer = await ask(transport, primaryId, trigger.stream);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.model).toBe(backupId);
      expect(answer.attempts).toBe(2);
      expect(answer.text).toMatch(/Hello!/);
      if (fake) expect(fake.requests).toHaveLength(1);
      const logged = await decision(answer.decisionId!);
      expect(logged.servedModel).toBe(backupId);
      expect(logged.outcome).toBe('ok');
      expect(logged.decision.chain.slice(0, 2)).toEqual([primaryId, backupId]);
      expect(logged.attempts.map((attempt) => [attempt.modelId, attempt.outcome, attempt.errorKind])).toEqual([
        [primaryId, 'error', trigger.errorKind],
        [backupId, 'ok', undefined],
      ]);
    });

    it('does not fail over on the upstream answering 400: the 400 goes back', async () => {
      const { primaryId, fake } = await pair('bad', { behavior: { status: 400 } });
      const before = backupFake.requests.length;
      const answer = await ask(transport, primaryId);
      expect(answer.status).toBe(400);
      expect(fake!.requests).toHaveLength(1);
      expect(backupFake.requests.length).toBe(before);
      // the client's own mistake does not count against the model's health
      expect(gateway.services.gateway.health.snapshot(Date.now())[primaryId]?.circuit ?? 'closed').toBe('closed');
    });

    it('honours retry-after: while it lasts the primary is skipped without a call', async () => {
      const { primaryId, backupId, fake } = await pair('limited', { behavior: { status: 429, retryAfter: '30' } });
      const first = await ask(transport, primaryId);
      expect([first.model, first.attempts]).toEqual([backupId, 2]);
      const second = await ask(transport, primaryId);
      expect([second.model, second.attempts]).toEqual([backupId, 1]);
      expect(fake!.requests).toHaveLength(1);
      const logged = await gateway.grove.admin.decisions.get({ id: second.decisionId! });
      expect(logged.decision.candidates.find((candidate) => candidate.modelId === primaryId)?.excluded?.reason).toBe('rate_limited');
    });

    it('cuts a hanging primary at its timeout, then skips it at no cost once its circuit opens', async () => {
      const { primaryId, backupId, fake } = await pair('hang', { behavior: { hang: true }, spec: { timeoutMs: 400 } });
      for (let index = 0; index < 3; index += 1) {
        const startedAt = Date.now();
        const answer = await ask(transport, primaryId);
        const elapsed = Date.now() - startedAt;
        expect([answer.model, answer.attempts]).toEqual([backupId, 2]);
        expect(elapsed).toBeGreaterThanOrEqual(380);
        expect(elapsed).toBeLessThan(2_000);
      }
      expect(gateway.services.gateway.health.snapshot(Date.now())[primaryId]?.circuit).toBe('open');
      const startedAt = Date.now();
      const answer = await ask(transport, primaryId);
      // well under the 400 ms the primary used to cost (with room for a loaded machine)
      expect(Date.now() - startedAt).toBeLessThan(300);
      expect([answer.model, answer.attempts]).toEqual([backupId, 1]);
      expect(fake!.requests).toHaveLength(3);
      const logged = await decision(answer.decisionId!);
      expect(logged.attempts.map((attempt) => attempt.modelId)).toEqual([backupId]);
      const health = await gateway.grove.admin.health.models();
      expect(health.items.find((item) => item.modelId === primaryId)?.circuit).toBe('open');
    });

    it('does not fail over once the first content delta went out: the stream ends with an error', async () => {
      const { primaryId, fake } = await pair('mid', { behavior: { midStreamError: true } });
      const before = backupFake.requests.length;
      const answer = await ask(transport, primaryId, true);
      expect(answer.status).toBe(200);
      expect(answer.model).toBe(primaryId);
      expect(fake!.requests).toHaveLength(1);
      expect(backupFake.requests.length).toBe(before);
      if (transport === 'v1') {
        const events = answer.raw!.split('\n\n').filter(Boolean);
        expect(events.some((event) => event.includes('"content":"Hello"'))).toBe(true);
        const last = JSON.parse(events.at(-1)!.replace(/^data: /, '')) as { error: { message: string; type: string; code: string } };
        expect(last.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
        expect(answer.raw).not.toContain('[DONE]');
        expect(answer.text).toBe('Hello');
      } else expect(answer.text).toMatch(/^Hello.*error: /s);
      const logged = await decision(answer.decisionId!);
      expect([logged.servedModel, logged.outcome]).toEqual([primaryId, 'error']);
    });

    it('answers the last error when every model in the chain fails', async () => {
      const fake = await startFakeOpenAI({ behavior: { status: 503 } });
      primaries.push(fake);
      const onlyId = uniqueId('alone');
      const strong = { reasoning: 95, creativity: 95, precision: 95, speed: 95, context: 95 };
      await gateway.apply(gatewayModel(onlyId, 'openai-compatible', fake.url, { capabilities: strong }));
      // the minimum excludes every other model of this Grove, so the chain is this model alone
      const answer = await ask(transport, onlyId, false, { minimums: { reasoning: 90 } });
      expect(answer.status).toBe(503);
      const streamed = await ask(transport, onlyId, true, { minimums: { reasoning: 90 } });
      expect(streamed.status).toBe(503);
      expect(fake.requests).toHaveLength(2);
    });
  });
});
