import type { Logger } from '../logger';
import { SerialTask } from '../serial-task';

/** A key's newest use: the key id and when (epoch ms). */
export interface KeyUse {
  keyId: string;
  at: number;
}

export interface KeyUsageOptions {
  /** how often the newest uses are written: the "last used" of other instances is this late at most */
  intervalMs: number;
}

const defaults: KeyUsageOptions = { intervalMs: 5_000 };

/**
 * Keys' "last used", on its way to the database. Recording is a Map write on the request path
 * (every authenticated request); a timer writes each key's newest use once per interval, all keys
 * in one statement, so a key used a thousand times a second costs the database one row update
 * every few seconds. A write that fails keeps its uses for the next one (merged with any newer):
 * the buffer holds one entry per key, so an outage loses nothing and needs no bound. Nothing here
 * throws into a request; only the write at shutdown gives up, so that a shutdown ends.
 */
export class KeyUsage {
  private pending = new Map<string, number>();
  /** the uses being written: not yet stored for the readers until the write is done */
  private writing = new Map<string, number>();
  private readonly task = new SerialTask(() => this.write());
  private failing = false;
  private readonly options: KeyUsageOptions;

  constructor(
    private readonly sink: (uses: KeyUse[]) => Promise<void>,
    private readonly logger: Logger,
    options: Partial<KeyUsageOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  record(keyId: string, at: number): void {
    this.pending.set(keyId, at);
  }

  /**
   * Each key's newest use not known to be stored. Take it before reading the stored values and keep
   * the newer: a use stored in between is then in one or both, never in neither.
   */
  unstored(): Map<string, number> {
    const uses = new Map(this.writing);
    for (const [keyId, at] of this.pending) uses.set(keyId, Math.max(at, uses.get(keyId) ?? at));
    return uses;
  }

  start(): void {
    this.task.every(this.options.intervalMs);
  }

  /** Writes the uses recorded now; resolves when they are stored or kept for the next try. Never rejects. */
  flush(): Promise<void> {
    return this.task.run();
  }

  /** Stops the timer and writes what is left (shutdown); what the database does not take then is lost, and logged. */
  async close(): Promise<void> {
    await this.task.stop();
    await this.flush();
    if (this.pending.size > 0) {
      this.logger.warn({ keys: this.pending.size }, 'key usage: the database did not take the last uses at shutdown; their "last used" stays older');
      this.pending.clear();
    }
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    this.writing = this.pending;
    this.pending = new Map();
    try {
      await this.sink([...this.writing].map(([keyId, at]) => ({ keyId, at })));
      if (this.failing) this.logger.info('key usage: the database takes keys\' last uses again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error, keys: this.writing.size }, 'key usage: cannot store keys\' last uses; keeping them and retrying');
      this.failing = true;
      // a use recorded during the write is newer than the one that failed
      for (const [keyId, at] of this.writing) if (!this.pending.has(keyId)) this.pending.set(keyId, at);
    } finally {
      this.writing = new Map();
    }
  }
}
