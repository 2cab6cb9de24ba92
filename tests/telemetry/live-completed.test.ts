import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayModel } from '../support/gateway';
import { startTestServices, type TestServices } from '../support/services';

/** metrics.live until 'completed': what a poller reads, a second that is over, never one still filling. */
describe("metrics.live until 'completed'", () => {
  let grove: TestServices;
  beforeAll(async () => {
    grove = await startTestServices();
    await grove.services.registry.apply('test', [gatewayModel('quick', 'simulated', undefined)]);
  });
  afterAll(async () => {
    await grove?.close();
  });

  it('ends at the start of the current second, where the default includes it', async () => {
    const before = Date.now();
    const now = await grove.admin.metrics.live({ seconds: 1 });
    const completed = await grove.admin.metrics.live({ seconds: 1, until: 'completed' });
    const after = Date.now();
    expect(Date.parse(now.to)).toBeGreaterThan(before);
    expect(Date.parse(completed.to)).toBeLessThanOrEqual(after);
    expect(Date.parse(completed.to) - Date.parse(completed.from)).toBe(1000);
  });

  it('a request shows in the completed second once its second is over, and not before', async () => {
    // start just after a second boundary, so the request ends within the same second
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    await grove.admin.gateway.complete({ model: 'quick', messages: [{ role: 'user', content: 'hi' }] });
    const second = Math.floor(Date.now() / 1000) * 1000;
    const during = await grove.admin.metrics.live({ seconds: 1, until: 'completed' });
    if (Date.parse(during.to) === second) expect(during.overall.requests).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, second + 1000 - Date.now() + 20));
    const done = await grove.admin.metrics.live({ seconds: 1, until: 'completed' });
    expect(done.from).toBe(new Date(second).toISOString());
    expect(done.overall.requests).toBe(1);
  });

  it('refuses an unknown value', async () => {
    await expect(grove.admin.metrics.live({ seconds: 1, until: 'later' as 'now' })).rejects.toThrow(/until/);
  });
});
