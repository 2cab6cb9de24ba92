import { isDemoModel } from '../../../shared/objects';
import type { SystemInfo } from '../api/types';

/**
 * Whether a chart of one model (or of all, `model` null) may hold demo traffic, so its scope says
 * so only when it is true. Grove sends demo traffic itself only with GROVE_DEMO_TRAFFIC on, only
 * to the demo models, and only while in demo mode: a chart of now (`live`) holds it only then; a
 * chart over a range may hold what was sent before a real model ended demo mode.
 */
export function holdsDemoTraffic(info: SystemInfo | undefined, model: { metadata: { labels?: Record<string, string> } } | null, live: boolean): boolean {
  if (!info?.demoTraffic || (live && !info.demoMode)) return false;
  return model ? isDemoModel(model) : info.demoModels.length > 0;
}
