import type { LiveSample } from './live-store';

/** Pure reads of the live history for the panels: rates over the last seconds, a model's p95 line. */

export function requestsPerSecond(history: LiveSample[], seconds = 10): number | null {
  const window = history.slice(-seconds);
  if (window.length === 0) return null;
  return window.reduce((sum, sample) => sum + sample.overall.requests, 0) / window.length;
}

export function costPerMinute(history: LiveSample[], modelId: string, seconds = 60): number | null {
  const window = history.slice(-seconds);
  if (window.length === 0) return null;
  const cost = window.reduce((sum, sample) => sum + (sample.models.find((model) => model.modelId === modelId)?.costUsd ?? 0), 0);
  return (cost / window.length) * 60;
}

/** One value per second of the history; null where the model served nothing that second. */
export function p95Line(history: LiveSample[], modelId: string): Array<number | null> {
  return history.map((sample) => sample.models.find((model) => model.modelId === modelId)?.latencyMs?.p95 ?? null);
}

export function latestP95(history: LiveSample[], modelId: string): number | null {
  return p95Line(history, modelId).findLast((value) => value !== null) ?? null;
}
