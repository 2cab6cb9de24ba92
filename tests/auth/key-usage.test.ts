import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KeyUsage, type KeyUse } from '../../server/auth/key-usage';

/** The batching of keys' last uses on its own: what reaches the sink, when, and what a failure keeps. */

function logged() {
  const lines: Array<{ msg: string; keys?: number }> = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as { msg: string }), done()) }));
  return { logger, lines };
}

/** A sink that keeps what it is given, failing while `down` is set. */
function recordingSink() {
  const batches: KeyUse[][] = [];
  const sink = {
    batches,
    down: false,
    write: async (uses: KeyUse[]) => {
      if (sink.down) throw new Error('connection refused');
      batches.push(uses);
    },
  };
  return sink;
}

describe('KeyUsage', () => {
  it('writes each key once per flush, with its newest use, and nothing when nothing was used', async () => {
    const sink = recordingSink();
    const usage = new KeyUsage(sink.write, logged().logger);
    usage.record('key-a', 1_000);
    usage.record('key-b', 1_500);
    usage.record('key-a', 2_000);
    usage.record('key-a', 3_000);
    await usage.flush();
    expect(sink.batches).toEqual([[{ keyId: 'key-a', at: 3_000 }, { keyId: 'key-b', at: 1_500 }]]);
    await usage.flush();
    expect(sink.batches).toHaveLength(1);
    expect(usage.unstored()).toEqual(new Map());
  });

  it('flushes on its timer, not per use', async () => {
    const sink = recordingSink();
    const usage = new KeyUsage(sink.write, logged().logger, { intervalMs: 40 });
    usage.start();
    for (let at = 1; at <= 100; at += 1) usage.record('key-a', at);
    expect(sink.batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await usage.close();
    expect(sink.batches).toEqual([[{ keyId: 'key-a', at: 100 }]]);
  });

  it('writes what is left on close, and records after it are the next start\'s business', async () => {
    const sink = recordingSink();
    const usage = new KeyUsage(sink.write, logged().logger, { intervalMs: 60_000 });
    usage.start();
    usage.record('key-a', 5_000);
    await usage.close();
    expect(sink.batches).toEqual([[{ keyId: 'key-a', at: 5_000 }]]);
  });

  it('keeps the uses of a failed flush for the next one, merged with newer ones, and never rejects', async () => {
    const sink = recordingSink();
    const { logger, lines } = logged();
    const usage = new KeyUsage(sink.write, logger);
    usage.record('key-a', 1_000);
    usage.record('key-b', 1_000);
    sink.down = true;
    await expect(usage.flush()).resolves.toBeUndefined();
    await expect(usage.flush()).resolves.toBeUndefined();
    // still the readers' to merge while it is not stored
    expect(usage.unstored()).toEqual(new Map([['key-a', 1_000], ['key-b', 1_000]]));
    usage.record('key-a', 2_000);
    sink.down = false;
    await usage.flush();
    expect(sink.batches).toEqual([[{ keyId: 'key-a', at: 2_000 }, { keyId: 'key-b', at: 1_000 }]]);
    // one warning for the outage, however many flushes failed, and one line when it ends
    expect(lines.map((line) => line.msg)).toEqual(["key usage: cannot store keys' last uses; keeping them and retrying", "key usage: the database takes keys' last uses again"]);
  });

  it('lets a use recorded during a failing write win over the one that failed', async () => {
    let release!: () => void;
    const usage = new KeyUsage(
      () =>
        new Promise<void>((_resolve, reject) => {
          release = () => reject(new Error('timeout'));
        }),
      logged().logger,
    );
    usage.record('key-a', 1_000);
    const flushing = usage.flush();
    // while written, the use is still unstored for the readers
    expect(usage.unstored()).toEqual(new Map([['key-a', 1_000]]));
    usage.record('key-a', 2_000);
    expect(usage.unstored()).toEqual(new Map([['key-a', 2_000]]));
    release();
    await flushing;
    expect(usage.unstored()).toEqual(new Map([['key-a', 2_000]]));
  });

  it('gives up on close when the database cannot take the last uses, so that a shutdown ends', async () => {
    const sink = recordingSink();
    const { logger, lines } = logged();
    const usage = new KeyUsage(sink.write, logger);
    usage.record('key-a', 1_000);
    sink.down = true;
    await expect(usage.close()).resolves.toBeUndefined();
    expect(usage.unstored()).toEqual(new Map());
    expect(lines.at(-1)).toMatchObject({ keys: 1, msg: expect.stringContaining('did not take the last uses at shutdown') });
  });
});
