import type { Logger } from '../logger';
import type { Registry } from '../registry/registry';
import type { Gateway } from './gateway';

const LEAVE =
  'to leave it, give a model its key (ANTHROPIC_API_KEY, GEMINI_API_KEY, OPENAI_API_KEY, then restart) or register one (grove apply -f FILE); `grove demo remove` deletes the demo models';

/**
 * Says in the log whether Grove is in demo mode, at start and whenever a registry change turns it
 * on or off, so that an operator who sees simulated answers learns why and how to stop them.
 */
export function logDemoMode(registry: Registry, gateway: Gateway, logger: Logger): void {
  let last: boolean | null = null;
  const report = () => {
    const { demoMode, demoModels } = gateway.demoStatus();
    // at start, a registry without demo models has nothing to say
    if (demoMode === last || (last === null && demoModels.length === 0)) return;
    last = demoMode;
    if (demoMode) logger.warn({ demoMode, demoModels }, `demo mode: no real model can serve, so the demo models answer auto requests; ${LEAVE}`);
    else logger.info({ demoMode, demoModels }, 'demo mode off: real models serve; demo models answer only requests that name them');
  };
  report();
  registry.onChange(report);
}
