import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { ComingLaterPage } from '../../pages/ComingLaterPage/ComingLaterPage';
import { DashboardPage } from '../../pages/DashboardPage/DashboardPage';
import { ModelDetailPage } from '../../pages/ModelDetailPage/ModelDetailPage';
import { ModelsPage } from '../../pages/ModelsPage/ModelsPage';
import { SettingsPage } from '../../pages/SettingsPage/SettingsPage';
import { LoginPage } from '../LoginPage/LoginPage';
import { Shell } from '../Shell/Shell';

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
      <Routes>
        <Route path="/" element={<DashboardPage />} />
        <Route path="/models" element={<ModelsPage />} />
        <Route path="/models/:id" element={<ModelDetailPage />} />
        <Route
          path="/routing"
          element={
            <ComingLaterPage
              title="Routing"
              summary="Routing policies decide which model serves each request."
              arrives="Editing routing policies and browsing routing decisions with their reasons arrive with the routing work."
            />
          }
        />
        <Route
          path="/monitoring"
          element={
            <ComingLaterPage
              title="Monitoring"
              summary="Live latency, cost and failover per model."
              arrives="Live latency and cost charts arrive with the monitoring work."
            />
          }
        />
        <Route
          path="/alerts"
          element={
            <ComingLaterPage title="Alerts" summary="Alert rules and the alerts they raise." arrives="Alert rules and firing alerts arrive with the alerting work." />
          }
        />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}
