import type { CompiledRegistry } from './compile-registry';
import type { HealthSnapshot } from './types';

export const CIRCUIT_CODE = { closed: 0, 'half-open': 1, open: 2 } as const;
export const PROBE_CODE = { circuit: 1, latency: 2 } as const;

/** A health snapshot aligned with a compiled registry's model indices. */
export interface CompiledHealth {
  circuit: Uint8Array;
  /** observed p50, else time to first token; NaN when unknown */
  latency: Float64Array;
  /** epoch ms of the newest call behind `latency`; NaN when unknown */
  latencyAt: Float64Array;
  /** the models due a probe (usually none), and why: PROBE_CODE */
  probes: Int32Array;
  probeKinds: Uint8Array;
  errorRate: Float64Array;
  /** epoch ms; 0 when none */
  retryAfterUntil: Float64Array;
  /** routable models by latency (known first), computed on first use by the fastest strategy */
  fastestOrder: Int32Array | null;
}

const cache = new WeakMap<CompiledRegistry, WeakMap<HealthSnapshot, CompiledHealth>>();

/** Compiles once per (registry, health) pair of objects; swap the health object on change. */
export function compileHealth(registry: CompiledRegistry, health: HealthSnapshot): CompiledHealth {
  let byHealth = cache.get(registry);
  if (!byHealth) cache.set(registry, (byHealth = new WeakMap()));
  const cached = byHealth.get(health);
  if (cached) return cached;
  const compiled: CompiledHealth = {
    circuit: new Uint8Array(registry.count),
    latency: new Float64Array(registry.count).fill(Number.NaN),
    latencyAt: new Float64Array(registry.count).fill(Number.NaN),
    probes: new Int32Array(0),
    probeKinds: new Uint8Array(0),
    errorRate: new Float64Array(registry.count),
    retryAfterUntil: new Float64Array(registry.count),
    fastestOrder: null,
  };
  const probes: number[] = [];
  const probeKinds: number[] = [];
  for (const [id, entry] of Object.entries(health)) {
    const index = registry.indexById.get(id);
    if (index === undefined) continue;
    compiled.circuit[index] = CIRCUIT_CODE[entry.circuit];
    compiled.latency[index] = entry.p50LatencyMs ?? entry.ttftP50Ms ?? Number.NaN;
    compiled.latencyAt[index] = entry.latencyAt ?? Number.NaN;
    if (entry.probe) {
      probes.push(index);
      probeKinds.push(PROBE_CODE[entry.probe]);
    }
    compiled.errorRate[index] = entry.errorRate ?? 0;
    compiled.retryAfterUntil[index] = entry.retryAfterUntil ?? 0;
  }
  if (probes.length > 0) {
    compiled.probes = Int32Array.from(probes);
    compiled.probeKinds = Uint8Array.from(probeKinds);
  }
  byHealth.set(health, compiled);
  return compiled;
}
