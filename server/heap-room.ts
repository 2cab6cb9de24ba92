import { setFlagsFromString } from 'node:v8';

/**
 * `npm start` runs Grove with `--heap-growing-percent=40`: between mark-compacts the old
 * generation may grow by 1.4×, where V8 would let it grow by up to 4× (RSS under load 235 MB
 * instead of 274 MB on the embedded database). A 10,000-model apply, though, grows the heap by
 * tens of megabytes in a few seconds, and at 1.4× that is four mark-compacts instead of two, each
 * a pause of 5–12 ms inside a step of the apply: the `/v1` requests waiting behind them went over
 * 50 ms in most runs, and within it in every run without the flag (docs/performance.md).
 *
 * So while work that grows the heap in bulk runs, the heap may double between mark-compacts (two
 * in a 10,000-model apply instead of four), and the start-up setting is back when the last such
 * work ends. Doubling, not V8's own factor (up to 4×, measured no better here): the limit set
 * during the apply stays until the next mark-compact, and a 4× limit would let the heap of a busy
 * server grow that far first. V8 reads the flag each time it sets a limit, after a mark-compact,
 * so a change takes effect at the next one (tests/services/heap-room.test.ts watches it do so).
 */
const startupPercent = (() => {
  // a V8 flag, so only on the command line (NODE_OPTIONS refuses it); the last one counts
  const values = process.execArgv.map((arg) => /^--heap[-_]growing[-_]percent=(\d+)$/.exec(arg)?.[1]).filter((value) => value !== undefined);
  return values.length ? Number(values.at(-1)) : undefined;
})();

/** while held: the heap may double between mark-compacts */
const ROOMY_PERCENT = 100;

let holders = 0;

/** Lets the old generation double between mark-compacts until the returned function is called (once; later calls do nothing). */
export function holdHeapRoom(): () => void {
  // started without the flag, the factor is V8's own already
  if (!startupPercent) return () => {};
  if (holders++ === 0) setFlagsFromString(`--heap-growing-percent=${ROOMY_PERCENT}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) setFlagsFromString(`--heap-growing-percent=${startupPercent}`);
  };
}
