import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes';
import { testDrivers } from '../support/database';
import { gatewayModel, hello, postJson, startGateway, type GatewayHarness } from '../support/gateway';

/**
 * One error, one edge: the same failure reaches /v1 and tRPC with the same status and message.
 */
describe.each(testDrivers)('one error on every edge, on %s', (driver) => {
  let gateway: GatewayHarness;
  let fake: FakeUpstream;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    gateway = await startGateway({ driver, objects: [gatewayModel('one-error', 'openai-compatible', fake.url)] });
  });
  afterAll(async () => {
    await gateway?.close();
    await fake?.close();
  });

  it("an upstream's 422 is a 422 with the upstream's message on /v1 and on tRPC alike", async () => {
    fake.setBehavior({ status: 422 });
    const body = { model: 'one-error', messages: hello };
    const v1 = await postJson(`${gateway.url}/v1/chat/completions`, gateway.invokeKey, body);
    expect(v1.status, v1.text).toBe(422);
    expect(v1.json.error).toMatchObject({ code: 'upstream_bad_request', type: 'invalid_request_error' });

    const trpc = await postJson(`${gateway.url}/trpc/gateway.complete`, gateway.invokeKey, body);
    expect(trpc.status, trpc.text).toBe(422);
    // it was an INTERNAL_SERVER_ERROR saying only "internal server error": the client's own request was at fault
    expect(trpc.json.error).toMatchObject({ message: v1.json.error.message, data: { code: 'UNPROCESSABLE_CONTENT', httpStatus: 422 } });
  });
});
