import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { ModelsPage } from '../../pages/ModelsPage/ModelsPage';
import { SettingsPage } from '../../pages/SettingsPage/SettingsPage';
import { LoginPage } from '../LoginPage/LoginPage';
import { Shell } from '../Shell/Shell';
import { alerts, dashboard, decisions, modelDetail, monitoring, routing } from './pages';

/**
 * The signed-out visitor sees the login form on any URL and lands on that URL after signing in. A
 * saved key opens the console at once while it is checked; a refused key ends at the login form.
 */
export function AppRoutes() {
  const { state, retry, logout } = useAuth();

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
          <Route path="/" element={<dashboard.Page />} />
          <Route path="/models" element={<ModelsPage />} />
          <Route path="/models/:id" element={<modelDetail.Page />} />
          <Route path="/routing" element={<routing.Page />} />
          <Route path="/decisions" element={<decisions.Page />} />
          <Route path="/monitoring" element={<monitoring.Page />} />
          <Route path="/alerts" element={<alerts.Page />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
