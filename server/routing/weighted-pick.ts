/**
 * The weighted strategy's draw: a number in [0, 1) seeded by the request id, so the same id always
 * lands on the same model and ids spread evenly over the split.
 */
export function seededFraction(seed: string): number {
  // FNV-1a over UTF-16 code units, then one mulberry32 step to spread similar ids apart
  let hash = 0x811c9dc5;
  for (let at = 0; at < seed.length; at++) {
    hash ^= seed.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  let mixed = (hash + 0x6d2b79f5) | 0;
  mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
  mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
  return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
}

/**
 * Index into `weights` chosen with probability proportional to its weight, among the entries
 * `allowed` accepts (the eligible models: an excluded model's share goes to the others); −1 when
 * no allowed entry has weight.
 */
export function pickWeighted(weights: ArrayLike<number>, allowed: (at: number) => boolean, fraction: number): number {
  let total = 0;
  for (let at = 0; at < weights.length; at++) if (allowed(at)) total += weights[at] ?? 0;
  if (total <= 0) return -1;
  let target = fraction * total;
  let last = -1;
  for (let at = 0; at < weights.length; at++) {
    const weight = weights[at] ?? 0;
    if (!allowed(at) || weight <= 0) continue;
    last = at;
    if (target < weight) return at;
    target -= weight;
  }
  return last;
}
