/**
 * Runs `work` and measures the longest time this process's event loop was held up meanwhile: a
 * timer due every TICK_MS notes how long each gap between its ticks was, counted as the lesser of
 * the wall time and the CPU time the process used in it. A shared machine that takes the CPU away
 * stretches the wall time of a gap but not its CPU time; work that holds up the loop shows in both.
 * (Helper threads, such as the garbage collector's, may add CPU time: the wall time caps it.)
 */
const TICK_MS = 2;

export async function worstEventLoopBlock<T>(work: () => Promise<T>): Promise<{ result: T; worstMs: number }> {
  let worstMs = 0;
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gapMs = Math.min(now - lastAt, (cpu.user + cpu.system) / 1000);
    if (gapMs > worstMs) worstMs = gapMs;
    lastAt = now;
    lastCpu = process.cpuUsage();
  }, TICK_MS);
  try {
    const result = await work();
    return { result, worstMs };
  } finally {
    clearInterval(timer);
  }
}
