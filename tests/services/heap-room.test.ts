import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./heap-room-probe.ts', import.meta.url));
const STEPS = ['started', 'held', 'one of two released, twice', 'both released'];

/**
 * The growing factor V8 used for the heap limit it set after each of the probe's four full
 * collections: the last four it printed. V8 prints through C's stdio, which a pipe made it lose
 * under load and which keeps no order with the probe's own writes; a file loses nothing.
 */
async function factorsBySteps(flags: string[]): Promise<Record<string, string>> {
  const folder = mkdtempSync(join(tmpdir(), 'grove-heap-room-'));
  try {
    const output = join(folder, 'trace.txt');
    const fd = openSync(output, 'w');
    try {
      const child = spawn(process.execPath, [...flags, '--expose-gc', '--trace-gc-verbose', '--import', 'tsx', probe], { stdio: ['ignore', fd, 'inherit'], timeout: 60_000 });
      const code = await new Promise((resolve, reject) => child.once('exit', resolve).once('error', reject));
      expect(code).toBe(0);
    } finally {
      closeSync(fd);
    }
    const factors = [...readFileSync(output, 'utf8').matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)$/gm)].map((match) => match[1]!).slice(-STEPS.length);
    return Object.fromEntries(STEPS.map((step, index) => [step, factors[index]!]));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

// its own processes: V8's flags are the process's, and the probe changes one
describe('room for the heap while a bulk apply runs', () => {
  it('lets the old generation double while any holder holds it, and puts the start-up factor back after the last', async () => {
    expect(await factorsBySteps(['--heap-growing-percent=40'])).toEqual({
      started: '1.4',
      held: '2.0',
      'one of two released, twice': '2.0',
      'both released': '1.4',
    });
  }, 90_000);

  it('reads the start-up factor as V8 does, in either spelling, the last one winning', async () => {
    expect(await factorsBySteps(['--heap-growing-percent=60', '--heap_growing_percent=25'])).toMatchObject({ started: '1.2', held: '2.0', 'both released': '1.2' });
  }, 90_000);
});
