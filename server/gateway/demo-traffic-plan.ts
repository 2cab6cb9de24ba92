/**
 * What the living demo sends, decided without I/O: a function of the tick and a random draw, so
 * a test replays a plan exactly. The shell (./demo-traffic.ts) sends what it is told through the
 * real gateway path.
 */

/** The key id demo traffic is counted under: not a key anyone holds, so its figures stay apart. */
export const DEMO_TRAFFIC_KEY_ID = 'demo-traffic';

export const DEMO_TICK_MS = 500;
/** a tick sends at most one request: at most two a second, however the plan is tuned */
export const DEMO_MAX_IN_FLIGHT = 6;

/**
 * Every SPELL_EVERY ticks, for SPELL_TICKS ticks, the flaky model gets most of the traffic: enough
 * calls in its breaker's window (20 in 30 s) for its error rate to open the circuit now and then,
 * which the steady trickle never does.
 */
const SPELL_EVERY = 240; // 2 minutes
const SPELL_TICKS = 60; // 30 seconds

export interface DemoRequest {
  /** a model id, an alias or auto: the demo models only (demo mode routes auto to them) */
  model: string;
  stream: boolean;
  prompt: string;
}

const PROMPTS = ['Summarise the release notes in three lines.', 'Suggest a name for a tree nursery.', 'Explain a circuit breaker to a new engineer.', 'Translate "good morning" into French.'];

/** True during the flaky model's bad spell (the second half of every two minutes). */
export function inFlakySpell(tick: number): boolean {
  return tick % SPELL_EVERY >= SPELL_EVERY - SPELL_TICKS;
}

/** The request of one tick, or null for a quiet tick (about 1.3 requests a second on average). */
export function demoRequestAt(tick: number, random: () => number): DemoRequest | null {
  const spell = inFlakySpell(tick);
  if (random() >= (spell ? 0.9 : 0.65)) return null;
  const pick = random();
  // the flaky model falls back to sim-swift, so each of its failures is a failover on the charts
  const model = spell ? (pick < 0.85 ? 'sim-flaky' : 'auto') : pick < 0.6 ? 'auto' : pick < 0.88 ? 'sage' : 'sim-flaky';
  return { model, stream: random() < 0.3, prompt: PROMPTS[Math.floor(random() * PROMPTS.length)]! };
}
