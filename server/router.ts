import { alertsRouter } from './routers/alerts';
import { authRouter, keysRouter } from './routers/auth';
import { capabilitiesRouter, objectsRouter } from './routers/objects';
import { eventsRouter } from './routers/events';
import { metricsRouter } from './routers/metrics';
import { modelsRouter } from './routers/models';
import { gatewayRouter } from './routers/gateway';
import { policiesRouter } from './routers/policies';
import { decisionsRouter, healthRouter, routeRouter } from './routers/routing';
import { systemRouter } from './routers/system';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  keys: keysRouter,
  models: modelsRouter,
  capabilities: capabilitiesRouter,
  objects: objectsRouter,
  system: systemRouter,
  gateway: gatewayRouter,
  route: routeRouter,
  decisions: decisionsRouter,
  health: healthRouter,
  policies: policiesRouter,
  metrics: metricsRouter,
  alerts: alertsRouter,
  events: eventsRouter,
});

/** The type internal TypeScript services and the console import (as a type only). */
export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
