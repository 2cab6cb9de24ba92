import { randomUUID } from 'node:crypto';
import type { CircuitChanged } from '../events';
import type { Logger } from '../logger';
import { SerialTask } from '../serial-task';
import type { CircuitChangeRow } from './timeline-repository';

export interface CircuitLogOptions {
  /** changes held while the database cannot take them; past it the oldest are dropped */
  maxRows: number;
  /** how often the buffer is written */
  intervalMs: number;
}

const defaults: CircuitLogOptions = { maxRows: 10_000, intervalMs: 1_000 };

/**
 * Circuit changes on their way to the database, for the failover timeline. Recording is a push
 * (the breakers emit on the request path); a timer writes what is buffered once a second. A write
 * that fails keeps its rows for the next one (bounded, oldest dropped first, counted), as the
 * rollup writer does: a database outage costs history, never a request.
 */
export class CircuitLog {
  private buffer: CircuitChangeRow[] = [];
  /** the batch being written: still unstored for the readers until the write is done */
  private writing: CircuitChangeRow[] = [];
  private readonly task = new SerialTask(() => this.writeBuffer());
  private failing = false;
  private readonly options: CircuitLogOptions;
  dropped = 0;

  constructor(
    private readonly sink: (rows: CircuitChangeRow[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly instanceId: string,
    options: Partial<CircuitLogOptions> = {},
  ) {
    this.options = { ...defaults, ...options };
  }

  record(event: CircuitChanged): void {
    this.buffer.push({ id: randomUUID(), at: event.at, instanceId: this.instanceId, modelId: event.modelId, from: event.from, to: event.to, reason: event.reason });
    const excess = this.buffer.length - this.options.maxRows;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
  }

  start(): void {
    this.task.every(this.options.intervalMs);
  }

  /**
   * What is recorded and not known to be stored. Take it before reading the stored rows and merge
   * by id: a row stored in between is then in one or both, never in neither.
   */
  unstored(): CircuitChangeRow[] {
    return [...this.writing, ...this.buffer];
  }

  /** Writes what is buffered now; resolves when it is stored or kept for the next try. */
  write(): Promise<void> {
    return this.task.run();
  }

  /** Stops the timer and writes what is left (shutdown). */
  async close(): Promise<void> {
    await this.task.stop();
    await this.write();
  }

  private async writeBuffer(): Promise<void> {
    if (this.buffer.length === 0) return;
    this.writing = this.buffer;
    this.buffer = [];
    try {
      await this.sink(this.writing);
      if (this.failing) this.logger.info({ dropped: this.dropped }, 'circuit log: the database takes circuit changes again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error, buffered: this.writing.length }, 'circuit log: cannot store circuit changes; keeping them and retrying');
      this.failing = true;
      this.buffer = this.writing.concat(this.buffer);
      const excess = this.buffer.length - this.options.maxRows;
      if (excess > 0) {
        this.buffer.splice(0, excess);
        this.dropped += excess;
      }
    } finally {
      this.writing = [];
    }
  }
}
