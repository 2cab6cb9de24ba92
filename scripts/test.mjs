#!/usr/bin/env node
// `npm test`: every test Grove has, in the order that fails fastest. Type check and lint first,
// then unit + integration + component tests with coverage (vitest), then the end-to-end test in a
// real browser against the built app started as a real process, then the console compared with its
// committed screenshots.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['lint', 'npx', ['eslint', '.']],
  ['unit, integration and component tests', 'npx', ['vitest', 'run', '--coverage']],
  ['console build', 'npx', ['vite', 'build', '--logLevel', 'warn']],
  ['end-to-end tests', 'node', ['scripts/e2e.mjs']],
  ['visual regression, axe-core and keyboard (docs/visual-regression.md)', 'node', ['scripts/visual.mjs']],
];

let failed = 0;
let passed = 0;
for (const [name, command, args] of steps) {
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status === 0) passed += 1;
  else {
    failed += 1;
    process.stdout.write(`=== ${name} FAILED (exit ${result.status ?? result.signal})\n`);
    if (!process.env.GROVE_TEST_KEEP_GOING) break;
  }
}
process.stdout.write(`\nsteps: ${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
