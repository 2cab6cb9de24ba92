/** mulberry32: a tiny seeded PRNG, so a seeded simulation replays exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

// The 99th percentile of the standard normal distribution.
const Z99 = 2.3263478740408408;

/**
 * A log-normal draw fitted to a median and a 99th percentile: ln(X) ~ N(mu, sigma) with
 * mu = ln(p50) and sigma = (ln(p99) - ln(p50)) / z99.
 */
export function logNormalSample(p50: number, p99: number, random: () => number): number {
  if (p50 <= 0) return 0;
  const mu = Math.log(p50);
  const sigma = p99 > p50 ? (Math.log(p99) - mu) / Z99 : 0;
  // Box-Muller; 1 - random() keeps the logarithm's argument above zero.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(mu + sigma * normal);
}
