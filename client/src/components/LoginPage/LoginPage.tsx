import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconInfoCircle, IconKey } from '@tabler/icons-react';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { ColorSchemeToggle } from '../ColorSchemeToggle/ColorSchemeToggle';

export function LoginPage({ notice }: { notice?: string }) {
  const { login } = useAuth();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter an admin API key.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await login(trimmed);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setSubmitting(false);
    }
  }

  return (
    <Box mih="100vh" bg="var(--mantine-color-default-hover)">
      <Box pos="absolute" top={16} right={16}>
        <ColorSchemeToggle />
      </Box>
      <Center mih="100vh" p="md">
        <Paper component="main" withBorder shadow="sm" p="xl" w="100%" maw={420}>
          <form onSubmit={submit} noValidate aria-labelledby="login-title">
            <Stack gap="md">
              <div>
                <Title order={1} size="h2" id="login-title">
                  Sign in to Grove
                </Title>
                <Text c="dimmed" size="sm" mt={4}>
                  The console needs an API key with the admin scope. It is kept in this browser only.
                </Text>
              </div>
              {notice && !error && (
                <Alert color="blue" icon={<IconInfoCircle size={18} aria-hidden />} role="status">
                  {notice}
                </Alert>
              )}
              <PasswordInput
                label="Admin API key"
                placeholder="grove_…"
                autoComplete="current-password"
                leftSection={<IconKey size={16} aria-hidden />}
                value={key}
                onChange={(event) => setKey(event.currentTarget.value)}
                error={error ? true : undefined}
                aria-describedby={error ? 'login-error' : undefined}
                data-autofocus
                autoFocus
              />
              {error && (
                <Alert id="login-error" color="red" variant="light" icon={<IconAlertCircle size={18} aria-hidden />} role="alert" title="Sign-in failed">
                  {error}
                </Alert>
              )}
              <Button type="submit" loading={submitting} fullWidth>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
