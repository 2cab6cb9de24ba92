import { lazyPage, type LazyPage } from './lazy-page';

// the chart-heavy pages load when opened: their code stays out of the first load
export const dashboard = lazyPage(() => import('../../pages/DashboardPage/DashboardPage').then((module) => module.DashboardPage));
export const modelDetail = lazyPage(() => import('../../pages/ModelDetailPage/ModelDetailPage').then((module) => module.ModelDetailPage));
export const routing = lazyPage(() => import('../../pages/RoutingPage/RoutingPage').then((module) => module.RoutingPage));
export const decisions = lazyPage(() => import('../../pages/DecisionsPage/DecisionsPage').then((module) => module.DecisionsPage));
export const monitoring = lazyPage(() => import('../../pages/MonitoringPage/MonitoringPage').then((module) => module.MonitoringPage));
export const alerts = lazyPage(() => import('../../pages/AlertsPage/AlertsPage').then((module) => module.AlertsPage));

/** The lazy page a URL opens, if it opens one (the others are in the first load). */
export function lazyPageAt(pathname: string): LazyPage | undefined {
  if (pathname === '/') return dashboard;
  if (/^\/models\/[^/]+$/.test(pathname)) return modelDetail;
  return ({ '/routing': routing, '/decisions': decisions, '/monitoring': monitoring, '/alerts': alerts } as Record<string, LazyPage>)[pathname];
}
