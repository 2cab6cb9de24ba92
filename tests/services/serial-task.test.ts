import { describe, expect, it } from 'vitest';
import { SerialTask } from '../../server/serial-task';

describe('SerialTask', () => {
  it('never runs its work twice at once: a run asked for meanwhile joins the one going', async () => {
    let started = 0;
    let release = () => {};
    const task = new SerialTask(async () => {
      started++;
      await new Promise<void>((resolve) => (release = resolve));
    });
    const first = task.run();
    const second = task.run();
    expect(second).toBe(first);
    expect(started).toBe(1);
    release();
    await first;
    // once it has ended, the next run is a new one
    const third = task.run();
    expect(third).not.toBe(first);
    expect(started).toBe(2);
    release();
    await third;
  });

  it('repeats on its timer, and stop ends the timer after waiting for the run in progress', async () => {
    let runs = 0;
    let inProgress = false;
    const task = new SerialTask(async () => {
      runs++;
      inProgress = true;
      await new Promise((resolve) => setTimeout(resolve, 30));
      inProgress = false;
    });
    task.every(5);
    while (runs < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await task.stop();
    expect(inProgress).toBe(false);
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(stoppedAt);
  });
});
