import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** the thread's CPU time in the event (µs): what the work cost, however busy the machine */
  tdur?: number;
}

/**
 * The page's main thread over a run, in CPU time rather than wall time: what the page itself
 * computed, whatever else ran on the machine (on a shared one, wall time says more about the other
 * processes than about the page).
 */
export interface MainThreadCpu {
  /** CPU ms in all the main thread's tasks over the run */
  totalMs: number;
  /** tasks that took over 50 ms of CPU: a long task on a machine of its own */
  longTasks: { count: number; totalMs: number };
  /** the CPU ms of the task that drew each chart update (each is a task of its own, Chart.tsx) */
  chartUpdates: { count: number; meanMs: number; longestMs: number };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const tenths = (value: number) => Math.round(value * 10) / 10;

/**
 * Runs `work` under a Chrome trace of the page (the `toplevel` and User Timing categories) and reads
 * its renderer's main thread from it: the thread on which the console measured its chart updates.
 */
export async function traceCpu<T>(cdp: CDPSession, work: () => Promise<T>): Promise<{ result: T; cpu: MainThreadCpu }> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  const result = await work();
  await cdp.send('Tracing.end');
  await complete;
  const update = events.find((event) => event.name === 'grove:chart-update');
  if (!update) throw new Error('the trace has no chart update: the charts did not draw while it ran');
  const onMain = (event: TraceEvent) => event.pid === update.pid && event.tid === update.tid;
  const tasks = events.filter((event) => onMain(event) && event.ph === 'X' && event.name === 'ThreadControllerImpl::RunTask' && event.tdur !== undefined);
  const starts = events.filter((event) => onMain(event) && event.name === 'grove:chart-update' && event.ph === 'b');
  const updateMs = starts.map((start) => (tasks.find((task) => task.ts <= start.ts && start.ts <= task.ts + (task.dur ?? 0))?.tdur ?? 0) / 1000);
  const taskMs = tasks.map((task) => task.tdur! / 1000);
  const long = taskMs.filter((ms) => ms > 50);
  return {
    result,
    cpu: {
      totalMs: Math.round(sum(taskMs)),
      longTasks: { count: long.length, totalMs: Math.round(sum(long)) },
      chartUpdates: { count: updateMs.length, meanMs: tenths(sum(updateMs) / Math.max(1, updateMs.length)), longestMs: tenths(Math.max(0, ...updateMs)) },
    },
  };
}
