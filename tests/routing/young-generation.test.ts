import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./young-generation-probe.ts', import.meta.url));

describe('a decision is garbage the young generation frees', () => {
  // its own process: the V8 flags it needs would otherwise leak into the shared test worker
  it('leaves nothing in the old generation once dropped, explained or not', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--no-allocation-site-pretenuring', '--import', 'tsx', probe], { timeout: 60_000 });
    const { unexplained, explained, sink } = JSON.parse(stdout) as { unexplained: number; explained: number; sink: number };
    expect(sink).toBeGreaterThan(0);
    // a per-decision accessor kept each routing context alive into the old generation: ~1–2 KB a decision
    expect(unexplained).toBeLessThan(400);
    expect(explained).toBeLessThan(400);
  }, 90_000);
});
