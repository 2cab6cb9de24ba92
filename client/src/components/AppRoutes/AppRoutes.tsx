import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { ModelsPage } from '../../pages/ModelsPage/ModelsPage';
import { SettingsPage } from '../../pages/SettingsPage/SettingsPage';
import { LoginPage } from '../LoginPage/LoginPage';
import { Shell } from '../Shell/Shell';

// the chart-heavy pages load when opened: their code stays out of the first load
const loadDashboard = () => import('../../pages/DashboardPage/DashboardPage');
const DashboardPage = lazy(() => loadDashboard().then((module) => ({ default: module.DashboardPage })));
// the dashboard is the landing page: its code is fetched while the key is being checked, not after
if (typeof window !== 'undefined' && window.location.pathname === '/') loadDashboard().catch(() => undefined); // a failure shows when the page renders
const ModelDetailPage = lazy(() => import('../../pages/ModelDetailPage/ModelDetailPage').then((module) => ({ default: module.ModelDetailPage })));
const RoutingPage = lazy(() => import('../../pages/RoutingPage/RoutingPage').then((module) => ({ default: module.RoutingPage })));
const DecisionsPage = lazy(() => import('../../pages/DecisionsPage/DecisionsPage').then((module) => ({ default: module.DecisionsPage })));
const MonitoringPage = lazy(() => import('../../pages/MonitoringPage/MonitoringPage').then((module) => ({ default: module.MonitoringPage })));
const AlertsPage = lazy(() => import('../../pages/AlertsPage/AlertsPage').then((module) => ({ default: module.AlertsPage })));

/** The signed-out visitor sees the login form on any URL and lands on that URL after signing in. */
export function AppRoutes() {
  const { state, retry, logout } = useAuth();

  if (state.status === 'checking') {
    return (
      <Center mih="100vh">
        <Stack align="center" gap="xs">
          <Loader aria-label="Checking your key" />
          <Text c="dimmed" size="sm">
            Checking your key…
          </Text>
        </Stack>
      </Center>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <Center mih="100vh" p="md">
        <Alert color="red" title="Grove is not reachable" role="alert" maw={480}>
          <Stack gap="sm">
            <Text size="sm">{state.message}</Text>
            <Group>
              <Button onClick={retry}>Try again</Button>
              <Button variant="default" onClick={() => logout()}>
                Sign in with another key
              </Button>
            </Group>
          </Stack>
        </Alert>
      </Center>
    );
  }
  if (state.status === 'signed-out') return <LoginPage notice={state.notice} />;

  return (
    <Shell>
      <Suspense fallback={<Loader aria-label="Loading the page" />}>
        <Routes>
          <Route path="/" element={<DashboardPage />} />
          <Route path="/models" element={<ModelsPage />} />
          <Route path="/models/:id" element={<ModelDetailPage />} />
          <Route path="/routing" element={<RoutingPage />} />
          <Route path="/decisions" element={<DecisionsPage />} />
          <Route path="/monitoring" element={<MonitoringPage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
