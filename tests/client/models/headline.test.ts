import { describe, expect, it } from 'vitest';
import { headlineFigures } from '../../../client/src/models/headline';
import type { SummaryOutput } from '../../../client/src/api/types';

const range = { from: '2026-12-06T12:00:00+01:00', to: '2026-12-06T13:00:00+01:00', timezone: 'Europe/Berlin', stepSeconds: 60 };
const totals = { requests: 0, errors: 0, failovers: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };

describe('headline figures', () => {
  it('no request in the range is "no data" for rates and latency, not zero; cost and failovers are true zeros', () => {
    const figures = headlineFigures({ range, totals, latencyMs: null, ttftMs: null } as SummaryOutput, 'last hour', false);
    expect(figures.map((figure) => figure.value)).toEqual(['0 req/s', 'no data', 'no data', '$0', '0']);
  });

  it('rates over the echoed range, error rate over requests, each with period, zone, currency and whether demo traffic is in', () => {
    const summary = { range, totals: { ...totals, requests: 7200, errors: 36, failovers: 12, costUsd: 1.23456 }, latencyMs: { p50: 100, p95: 812.4, p99: 2000 }, ttftMs: null } as SummaryOutput;
    const figures = headlineFigures(summary, 'last hour', true);
    expect(figures.map((figure) => figure.value)).toEqual(['2 req/s', '812 ms', '0.5%', '$1.23', '12']);
    for (const figure of figures) expect(figure.scope).toMatch(/^last hour · Europe\/Berlin · includes demo traffic · /);
    expect(figures[3]!.scope).toContain('USD, estimated from list prices');
  });
});
