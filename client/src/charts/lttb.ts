/** A point of a time series: [epoch ms, value]; null is "no data" (a gap), never 0. */
export type Point = [number, number | null];

/**
 * Largest-triangle-three-buckets down-sampling (Steinarsson, 2013): keeps the first and last
 * point and, from each of `threshold - 2` equal buckets between them, the point that makes the
 * largest triangle with the point kept before it and the next bucket's average. Peaks and dips
 * survive, which an average or every-nth point would flatten. Pure; O(n).
 *
 * Gaps stay gaps: the points are sampled run by run (a run is a stretch without null), each run
 * getting a share of `threshold` by its length, and one null is kept between runs. A run too short
 * to sample is kept whole, so the result may exceed `threshold` by the number of runs.
 */
export function lttb(points: readonly Point[], threshold: number): Point[] {
  if (threshold < 3 || points.length <= threshold) return points.slice();
  const runs: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> | null = null;
  for (const point of points) {
    if (point[1] === null) {
      current = null;
      continue;
    }
    if (!current) runs.push((current = []));
    current.push(point as [number, number]);
  }
  const known = runs.reduce((total, run) => total + run.length, 0);
  const result: Point[] = [];
  runs.forEach((run, index) => {
    if (index > 0) result.push([run[0]![0], null]);
    const share = Math.max(3, Math.round((threshold * run.length) / known));
    result.push(...sampleRun(run, share));
  });
  return result;
}

function sampleRun(run: ReadonlyArray<[number, number]>, threshold: number): Array<[number, number]> {
  if (run.length <= threshold) return run.slice();
  const sampled: Array<[number, number]> = [run[0]!];
  const bucketSize = (run.length - 2) / (threshold - 2);
  let kept = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.floor((bucket + 1) * bucketSize) + 1;
    // the next bucket's average (the last point, for the last bucket)
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, run.length);
    let averageX = 0;
    let averageY = 0;
    const nextLength = Math.max(1, nextEnd - nextStart);
    if (nextEnd > nextStart) {
      for (let index = nextStart; index < nextEnd; index++) {
        averageX += run[index]![0];
        averageY += run[index]![1];
      }
      averageX /= nextLength;
      averageY /= nextLength;
    } else {
      [averageX, averageY] = run[run.length - 1]!;
    }
    const [keptX, keptY] = run[kept]!;
    let largest = -1;
    let chosen = start;
    for (let index = start; index < end; index++) {
      const [x, y] = run[index]!;
      const area = Math.abs((keptX - averageX) * (y - keptY) - (keptX - x) * (averageY - keptY));
      if (area > largest) {
        largest = area;
        chosen = index;
      }
    }
    sampled.push(run[chosen]!);
    kept = chosen;
  }
  sampled.push(run[run.length - 1]!);
  return sampled;
}
