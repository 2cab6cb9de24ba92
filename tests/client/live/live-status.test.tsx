import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LiveStatus } from '../../../client/src/components/LiveStatus/LiveStatus';
import type { LiveSample, LiveState } from '../../../client/src/live/live-store';

const figures = { requests: 1, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: null, ttftMs: null };
const sample = (instances: number): LiveSample => ({ from: '2026-12-06T12:00:00.000Z', to: '2026-12-06T12:00:01.000Z', instances, overall: figures, models: [] });
const state = (history: LiveSample[]): LiveState => ({ status: 'live', history, updatedAt: Date.now(), error: null });

describe('LiveStatus', () => {
  it('says how many instances the fleet\'s figures hold, and nothing of it for one', () => {
    const { rerender } = render(
      <MantineProvider>
        <LiveStatus live={state([sample(1)])} />
      </MantineProvider>,
    );
    expect(screen.getByTestId('updated-ago')).toHaveTextContent(/^updated 0 s ago$/);
    rerender(
      <MantineProvider>
        <LiveStatus live={state([sample(1), sample(3)])} />
      </MantineProvider>,
    );
    expect(screen.getByTestId('updated-ago')).toHaveTextContent(/^updated 0 s ago · 3 instances$/);
  });
});
