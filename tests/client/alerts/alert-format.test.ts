import { describe, expect, it } from 'vitest';
import type { AlertHistoryEntry } from '../../../shared/alerts';
import { alertEpisodes, conditionText, formatMetricValue, momentLinks } from '../../../client/src/alerts/alert-format';
import type { HeaderDraft } from '../../../client/src/alerts/header-draft';
import { checkDraft, draftOf, NEW_RULE, placeProblem, specOf } from '../../../client/src/alerts/rule-draft';

const entry = (state: 'firing' | 'resolved', at: string, value: number | null, alert = 'errors', instance = 'a'): AlertHistoryEntry => ({ alert, instance, state, metric: 'error_rate', model: 'sim-fast', value, threshold: 0.2, at });

describe('alert formatting', () => {
  it('writes values in their unit and conditions in words', () => {
    expect(formatMetricValue('error_rate', 0.125)).toBe('12.5%');
    expect(formatMetricValue('p95_latency_ms', 1500.4)).toBe('1,500 ms');
    expect(formatMetricValue('cost_per_hour_usd', 0.123456)).toBe('$0.1235/h');
    expect(formatMetricValue('circuit_open', 2)).toBe('2');
    expect(formatMetricValue('failover_rate', null)).toBe('no traffic');
    expect(conditionText({ metric: 'p95_latency_ms', model: null, comparator: '>=', threshold: 2000, windowSeconds: 30, forSeconds: 10 })).toBe('p95 latency of all models >= 2,000 ms over 30 s, for 10 s');
  });

  it('pairs fires with their resolves per rule and instance, newest first', () => {
    const history = [
      entry('firing', '2026-12-06T10:09:00.000Z', 0.5),
      entry('resolved', '2026-12-06T10:05:00.000Z', 0.1, 'errors', 'b'),
      entry('resolved', '2026-12-06T10:04:00.000Z', 0.05),
      entry('firing', '2026-12-06T10:02:00.000Z', 0.3, 'errors', 'b'),
      entry('firing', '2026-12-06T10:01:00.000Z', 0.25),
      // its fire is older than the history
      entry('resolved', '2026-12-06T10:00:00.000Z', 0, 'old'),
    ];
    expect(alertEpisodes(history).map((episode) => [episode.alert, episode.instance, episode.firedAt, episode.firedValue, episode.resolvedAt, episode.resolvedValue])).toEqual([
      ['errors', 'a', '2026-12-06T10:09:00.000Z', 0.5, null, null],
      ['errors', 'b', '2026-12-06T10:02:00.000Z', 0.3, '2026-12-06T10:05:00.000Z', 0.1],
      ['errors', 'a', '2026-12-06T10:01:00.000Z', 0.25, '2026-12-06T10:04:00.000Z', 0.05],
      ['old', 'a', null, null, '2026-12-06T10:00:00.000Z', 0],
    ]);
  });

  it('links a moment to its chart and decisions: five minutes of lead-up, to five minutes after it resolved', () => {
    const links = momentLinks({ model: 'sim-fast', firedAt: '2026-12-06T10:10:00.000Z', resolvedAt: '2026-12-06T10:12:00.000Z' }, Date.parse('2026-12-06T11:00:00.000Z'));
    expect(links.chart).toBe('/monitoring?model=sim-fast&from=2026-12-06T10%3A05%3A00.000Z&to=2026-12-06T10%3A17%3A00.000Z');
    expect(links.decisions).toBe('/decisions?model=sim-fast&from=2026-12-06T10%3A05%3A00.000Z&to=2026-12-06T10%3A17%3A00.000Z');
    // still firing: up to now; every model: no model in the links
    const open = momentLinks({ model: null, firedAt: '2026-12-06T10:10:00.000Z', resolvedAt: null }, Date.parse('2026-12-06T10:30:00.000Z'));
    expect(open.chart).toBe('/monitoring?from=2026-12-06T10%3A05%3A00.000Z&to=2026-12-06T10%3A30%3A00.000Z');
  });
});

describe('alert rule draft', () => {
  it('keeps stored webhook headers as { set: true } and leaves out an empty webhook and model', () => {
    const draft = draftOf({ apiVersion: 'grove/v1', kind: 'AlertRule', metadata: { id: 'r' }, spec: { metric: 'error_rate', comparator: '>', threshold: 0.2, windowSeconds: 60, forSeconds: 0, webhook: { url: 'https://h.example/x', headers: { Authorization: { set: true } } } }, status: { revision: 3 } } as never);
    expect(specOf(draft)).toEqual({ metric: 'error_rate', comparator: '>', threshold: 0.2, windowSeconds: 60, forSeconds: 0, webhook: { url: 'https://h.example/x', headers: { Authorization: { set: true } } } });
    expect(specOf({ ...NEW_RULE, webhookUrl: '  ' })).not.toHaveProperty('webhook');
  });

  it('sends a header read from the environment back as its name, a stored value as { set: true } only under its own name', () => {
    const draft = draftOf({ apiVersion: 'grove/v1', kind: 'AlertRule', metadata: { id: 'r' }, spec: { metric: 'error_rate', comparator: '>', threshold: 0.2, windowSeconds: 60, forSeconds: 0, webhook: { url: 'https://h.example/x', headers: { 'X-Token': { env: 'HOOK_TOKEN' }, Authorization: { set: true, last4: 'abcd' } } } }, status: { revision: 3, createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z' } });
    expect(draft.headers.map((row) => row.name)).toEqual(['Authorization', 'X-Token']);
    expect(specOf(draft).webhook?.headers).toEqual({ Authorization: { set: true }, 'X-Token': { env: 'HOOK_TOKEN' } });
    const [authorization, token] = draft.headers as [HeaderDraft, HeaderDraft];
    const renamed = { ...draft, headers: [{ ...authorization, name: 'X-Auth' }, token] };
    expect(specOf(renamed).webhook?.headers).toEqual({ 'X-Auth': { value: '' }, 'X-Token': { env: 'HOOK_TOKEN' } });
    expect(checkDraft(renamed, false)).toEqual({ headers: { [authorization.key]: { value: 'The stored value belongs to “Authorization”: give the value for the new name' } } });
    expect(specOf({ ...draft, headers: [{ ...authorization, value: 'new' }] }).webhook?.headers).toEqual({ Authorization: { value: 'new' } });
  });

  it('checks header rows and puts a problem on the row it names, a dotted name included', () => {
    const rows: HeaderDraft[] = [
      { key: 1, name: 'x-a', source: 'value', value: 'v', env: '', stored: null },
      { key: 2, name: 'X-A', source: 'env', value: '', env: '1BAD', stored: null },
      { key: 3, name: 'Host', source: 'value', value: '', env: '', stored: null },
      { key: 4, name: 'X.Dotted', source: 'value', value: 'v', env: '', stored: null },
    ];
    const draft = { ...NEW_RULE, id: 'r', webhookUrl: 'https://h.example/x', headers: rows };
    expect(checkDraft(draft, true)).toEqual({ headers: { 2: { name: 'Another header has this name', value: 'must be an environment variable name' }, 3: { name: 'is set by Grove', value: 'Give a value' } } });
    expect(checkDraft({ ...draft, webhookUrl: '' }, true).webhookUrl).toBe('Give the URL the headers are sent to');
    const problems = {};
    expect(placeProblem(problems, draft, 'spec.webhook.headers.X.Dotted', 'AlertRule "r" stores no value for it')).toBe(true);
    expect(placeProblem(problems, draft, 'webhook.headers.Host', 'is set by Grove')).toBe(true);
    expect(placeProblem(problems, draft, 'webhook.headers.Unknown', 'what')).toBe(false);
    expect(problems).toEqual({ headers: { 4: { value: 'AlertRule "r" stores no value for it' }, 3: { name: 'is set by Grove' } } });
  });

  it('names each problem under its field, blank numbers included', () => {
    expect(checkDraft({ ...NEW_RULE, id: 'ok-id' }, true)).toEqual({});
    expect(checkDraft({ ...NEW_RULE, id: '', threshold: '', forSeconds: -1, webhookUrl: 'ftp://x' }, true)).toEqual({
      id: 'Give the rule an id',
      threshold: 'Required',
      forSeconds: 'must not be negative',
      webhookUrl: 'must be an absolute http(s) URL',
    });
    // an edited rule's id is not the form's to check
    expect(checkDraft({ ...NEW_RULE, id: '' }, false)).toEqual({});
  });
});
