import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./heap-room-probe.ts', import.meta.url));

/** The growing factor V8 used for the heap limit it set after each step's full collection. */
async function factorsBySteps(flags: string[]): Promise<Record<string, string[]>> {
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, '--expose-gc', '--trace-gc-verbose', '--import', 'tsx', probe], { timeout: 60_000, maxBuffer: 64 << 20 });
  const factors: Record<string, string[]> = {};
  let step = '';
  for (const line of stdout.split('\n')) {
    const named = /^step (.+)$/.exec(line);
    if (named) step = named[1]!;
    const limit = /\[HeapController\] Limit: .*\(([\d.]+)\)$/.exec(line);
    if (limit && step) (factors[step] ??= []).push(limit[1]!);
  }
  return factors;
}

// its own processes: V8's flags are the process's, and the probe changes one
describe('room for the heap while a bulk apply runs', () => {
  it('lets the old generation double while any holder holds it, and puts the start-up factor back after the last', async () => {
    expect(await factorsBySteps(['--heap-growing-percent=40'])).toEqual({
      started: ['1.4'],
      held: ['2.0'],
      'one of two released, twice': ['2.0'],
      'both released': ['1.4'],
    });
  }, 90_000);

  it('reads the start-up factor as V8 does, in either spelling, the last one winning', async () => {
    expect(await factorsBySteps(['--heap-growing-percent=60', '--heap_growing_percent=25'])).toMatchObject({ started: ['1.2'], held: ['2.0'], 'both released': ['1.2'] });
  }, 90_000);
});
