import { hostname } from 'node:os';
import type { Database } from '../../db/client';
import type { Logger } from '../logger';
import { beat, leave, liveInstances, type InstanceRow } from './fleet-repository';
import { decodePublished, encodePublished, MAX_PUBLISHED_BYTES, type PublishedRollups } from './published-rollups';

export interface FleetOptions {
  instanceId: string;
  version: string;
  startedAt: string;
  heartbeatMs: number;
  /** this instance's counted but unstored rollups, published with each beat */
  unstored(): PublishedRollups;
}

/** An instance as the fleet's API shows it: its heartbeat row, without what it published. */
export type FleetMember = Omit<InstanceRow, 'openRollups'> & { self: boolean };

/**
 * The Grove processes on one database, found through a heartbeat row each (no extra server). Every
 * beat writes this instance's row and reads the others': how many are alive (the share of a key's
 * rate limit each enforces) and what they have counted but not stored yet (fleet figures complete
 * to within a beat). An instance that misses three beats is no longer counted; its row is
 * deleted after a minute. On the embedded database the fleet is this process alone.
 */
export class Fleet {
  private members: FleetMember[] = [];
  private peers: Array<{ instanceId: string; published: PublishedRollups }> = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;
  private oversized = false;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: FleetOptions,
  ) {}

  get instanceId(): string {
    return this.options.instanceId;
  }

  /** Live instances, this one included: at least 1, also before the first beat and while the database is down. */
  size(): number {
    return Math.max(1, this.members.length);
  }

  list(): FleetMember[] {
    return this.members;
  }

  /** The other instances' unstored rows, as of their last beats. */
  peerRollups(): ReadonlyArray<{ instanceId: string; published: PublishedRollups }> {
    return this.peers;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.running ??= this.beat().finally(() => (this.running = null));
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /** One beat: write this instance's row, read everyone's. Never throws: a missed beat is logged once. */
  async beat(): Promise<void> {
    const { options } = this;
    const published = encodePublished(options.unstored());
    // logged when it starts, not at every beat it lasts
    if (published === null && !this.oversized) this.logger.warn({ limitBytes: MAX_PUBLISHED_BYTES }, 'unstored rollups too large to publish: peers see this instance\'s figures once they are stored');
    this.oversized = published === null;
    try {
      await beat(this.db, { instanceId: options.instanceId, hostname: hostname(), pid: process.pid, version: options.version, startedAt: options.startedAt, openRollups: published ?? '{}' });
      const rows = await liveInstances(this.db, options.heartbeatMs * 3, Math.max(60_000, options.heartbeatMs * 30));
      // the drivers print timestamptz as "2026-01-02 03:04:05.6+00"; the API speaks ISO 8601
      this.members = rows.map((row) => ({
        instanceId: row.instanceId,
        hostname: row.hostname,
        pid: row.pid,
        version: row.version,
        startedAt: new Date(row.startedAt).toISOString(),
        lastSeenAt: new Date(row.lastSeenAt).toISOString(),
        self: row.instanceId === options.instanceId,
      }));
      this.peers = rows.filter((row) => row.instanceId !== options.instanceId).map((row) => ({ instanceId: row.instanceId, published: decodePublished(row.openRollups) }));
      if (this.failing) this.logger.info('fleet heartbeat restored');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error }, 'fleet heartbeat failed; the last known fleet is kept until the database answers');
      this.failing = true;
    }
  }

  /** Leaves the fleet: the others stop counting this instance at their next beat. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await leave(this.db, this.options.instanceId).catch(() => {});
  }
}
