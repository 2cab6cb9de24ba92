import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the entry point, before the modules that allocate on every request: V8's
 * allocation-site pretenuring off, whatever command started the process (`npm start` passes it
 * too). Pretenuring put busy request-path sites in the old generation, and a scavenge treats what
 * old objects point to as live: each request's young objects were then promoted as well, and a
 * 10–20 ms mark-compact followed every second or so at 1,000 streams/s (p99 5–6 ms instead of
 * under 1 ms at that rate, measured with `--trace-gc-nvp` and no flags on the command line). V8
 * reads this flag each time it weighs pretenuring, after a scavenge, so setting it at start-up
 * takes effect.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
