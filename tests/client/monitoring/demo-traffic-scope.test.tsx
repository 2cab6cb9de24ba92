import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { startGroveProcess, type GroveProcess } from '../../e2e/grove-process';
import { ADMIN_KEY } from '../grove-server';
import { renderApp } from '../render';

let grove: GroveProcess | undefined;
afterEach(async () => {
  await grove?.stop();
  grove = undefined;
});

const panel = (title: string) => screen.getByRole('heading', { name: title }).closest('section') as HTMLElement;

/** The Monitoring page of a Grove holding only its demo models (demo mode), demo traffic on or off. */
async function openMonitoring(demoTraffic: 'on' | 'off') {
  grove = await startGroveProcess({ adminKey: ADMIN_KEY, env: { GROVE_DEMO_TRAFFIC: demoTraffic } });
  renderApp({ trpcUrl: `${grove.url}/trpc`, wsUrl: `${grove.url.replace(/^http/, 'ws')}/trpc`, savedKey: ADMIN_KEY, path: '/monitoring?range=15m' });
  await screen.findByRole('heading', { name: 'Monitoring', level: 2 }, { timeout: 15_000 });
  // the live chart's scope once a tick came, and a range chart's once its history came
  const live = await waitFor(() => within(panel('Live latency p95 per model')).getByText(/^live, one point a second, since /), { timeout: 15_000 });
  const range = await waitFor(() => within(panel('Latency')).getByText(/^last 15 minutes, 1-minute buckets · /), { timeout: 15_000 });
  return { live, range };
}

/** The Settings page's demo mode panel, of the same Grove. */
async function demoModePanel() {
  cleanup();
  renderApp({ trpcUrl: `${grove!.url}/trpc`, savedKey: ADMIN_KEY, path: '/settings' });
  const heading = await screen.findByRole('heading', { name: 'Demo mode' }, { timeout: 15_000 });
  await within(heading.closest('div')!.parentElement!).findByText(/^No real model can serve yet/);
  return heading.closest('div')!.parentElement!;
}

describe('the console names demo traffic only when Grove sends it', () => {
  it('says nothing of demo traffic in demo mode with GROVE_DEMO_TRAFFIC=off', { timeout: 90_000 }, async () => {
    const { live, range } = await openMonitoring('off');
    expect(live.textContent).toMatch(/· all models$/);
    expect(range.textContent).not.toMatch(/demo traffic/);
    expect(await demoModePanel()).toHaveTextContent('Grove sends them no traffic of its own (GROVE_DEMO_TRAFFIC=off).');
  });

  it('says "demo traffic" when Grove sends it to its demo models', { timeout: 90_000 }, async () => {
    const { live, range } = await openMonitoring('on');
    expect(live.textContent).toMatch(/· all models · demo traffic$/);
    expect(range.textContent).toMatch(/ · demo traffic$/);
    expect(await demoModePanel()).toHaveTextContent('Grove sends them demo traffic of its own, counted under the key “demo-traffic”.');
  });
});
