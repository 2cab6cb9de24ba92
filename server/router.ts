import { authRouter, keysRouter } from './routers/auth';
import { capabilitiesRouter, objectsRouter } from './routers/objects';
import { modelsRouter } from './routers/models';
import { systemRouter } from './routers/system';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  keys: keysRouter,
  models: modelsRouter,
  capabilities: capabilitiesRouter,
  objects: objectsRouter,
  system: systemRouter,
});

/** The type internal TypeScript services and the console import (as a type only). */
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
