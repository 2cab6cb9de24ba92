/**
 * Background work that runs now and then off the request path (a batch write), never twice at
 * once: a run asked for while one is going joins it. `every` repeats it on a timer that does not
 * keep the process alive; `stop` ends the timer and waits for the run in progress.
 */
export class SerialTask {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly work: () => Promise<void>) {}

  run(): Promise<void> {
    this.running ??= this.work().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  every(intervalMs: number): void {
    this.timer = setInterval(() => void this.run(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running) await this.running;
  }
}
