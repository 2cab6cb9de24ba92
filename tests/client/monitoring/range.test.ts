import { describe, expect, it } from 'vitest';
import { decisionsLink, monitoringSearch, rangeLabel, rangeQuery, readMonitoringUrl } from '../../../client/src/monitoring/range';
import { fromWallClock, toWallClock } from '../../../client/src/time/wall-clock';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const read = (search: string) => readMonitoringUrl(new URLSearchParams(search), NOW);

describe('the Monitoring URL', () => {
  it('reads a model and a moment as alerts link to it, and writes the same back', () => {
    const view = read('?model=claude-sonnet&from=2026-12-06T10:00:00%2B01:00&to=2026-12-06T10:15:00Z');
    expect(view).toEqual({ model: 'claude-sonnet', range: { kind: 'custom', from: Date.parse('2026-12-06T09:00:00Z'), to: Date.parse('2026-12-06T10:15:00Z') }, problems: [] });
    expect(monitoringSearch(view)).toBe('?model=claude-sonnet&from=2026-12-06T09%3A00%3A00.000Z&to=2026-12-06T10%3A15%3A00.000Z');
    expect(read(monitoringSearch(view)).range).toEqual(view.range);
    expect(rangeQuery(view.range)).toEqual({ from: '2026-12-06T09:00:00.000Z', to: '2026-12-06T10:15:00.000Z' });
  });

  it('takes presets; everything is optional (all models, last hour); a from alone ends now', () => {
    expect(read('?range=7d')).toEqual({ model: null, range: { kind: 'preset', range: '7d' }, problems: [] });
    expect(read('')).toEqual({ model: null, range: { kind: 'preset', range: '1h' }, problems: [] });
    expect(read('?from=2026-12-06T11:00:00Z').range).toEqual({ kind: 'custom', from: Date.parse('2026-12-06T11:00:00Z'), to: NOW });
    expect(monitoringSearch({ model: null, range: { kind: 'preset', range: '15m' } })).toBe('?range=15m');
    expect(rangeQuery({ kind: 'preset', range: '24h' })).toEqual({ range: '24h' });
  });

  it.each([
    ['?range=2h', '"range" must be one of 15m, 1h, 24h, 7d, not 2h'],
    ['?from=yesterday', '"from" is not an ISO 8601 time with a zone: yesterday'],
    ['?from=2026-12-06T10:00:00', '"from" is not an ISO 8601 time with a zone: 2026-12-06T10:00:00'],
    ['?to=2026-12-06T10:00:00Z', '"to" was given without "from"'],
    ['?from=2026-12-06T11:00:00Z&to=2026-12-06T10:00:00Z', '"from" must be before "to"'],
  ])('refuses %s with a reason and falls back to the last hour', (search, problem) => {
    const view = read(search);
    expect(view.problems).toEqual([problem]);
    expect(view.range).toEqual({ kind: 'preset', range: '1h' });
  });

  it('links a moment to the decisions page in its URL format', () => {
    expect(decisionsLink('sim-fast', NOW, NOW + 60_000)).toBe('/decisions?model=sim-fast&from=2026-12-06T12%3A00%3A00.000Z&to=2026-12-06T12%3A01%3A00.000Z');
    expect(decisionsLink(null, NOW, NOW + 1)).toBe('/decisions?from=2026-12-06T12%3A00%3A00.000Z&to=2026-12-06T12%3A00%3A00.001Z');
  });

  it('labels presets in words and custom ranges in the reporting zone', () => {
    expect(rangeLabel({ kind: 'preset', range: '15m' }, 'UTC')).toBe('last 15 minutes');
    expect(rangeLabel({ kind: 'custom', from: NOW, to: NOW + 3_600_000 }, 'Asia/Kathmandu')).toBe('6 Dec, 17:45 – 6 Dec, 18:45');
  });
});

describe('wall-clock times in a zone', () => {
  it.each([
    ['UTC', '2026-12-06T12:00'],
    ['Asia/Kathmandu', '2026-12-06T17:45'],
    ['America/New_York', '2026-12-06T07:00'],
  ])('round-trips in %s', (zone, wall) => {
    expect(toWallClock(NOW, zone)).toBe(wall);
    expect(fromWallClock(wall, zone)).toBe(NOW);
  });

  it('takes the offset in force at the time named, across a DST change', () => {
    // Berlin: CEST (+2) in July, CET (+1) in December
    expect(new Date(fromWallClock('2026-07-01T12:00', 'Europe/Berlin')!).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(new Date(fromWallClock('2026-12-01T12:00', 'Europe/Berlin')!).toISOString()).toBe('2026-12-01T11:00:00.000Z');
  });

  it('refuses text that is not a date and time', () => {
    expect(fromWallClock('', 'UTC')).toBeNull();
    expect(fromWallClock('12:00', 'UTC')).toBeNull();
  });
});
