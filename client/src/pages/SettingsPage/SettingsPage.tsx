import { Badge, Group, Paper, SegmentedControl, Stack, Table, Text, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useAuth } from '../../auth/AuthProvider/AuthProvider';
import { ApiKeysPanel } from '../../components/ApiKeysPanel/ApiKeysPanel';
import { DemoModePanel } from '../../components/DemoModePanel/DemoModePanel';
import { RetentionPanel } from '../../components/RetentionPanel/RetentionPanel';
import { TimeZonePanel } from '../../components/TimeZonePanel/TimeZonePanel';

export function SettingsPage() {
  const { state } = useAuth();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const identity = state.status === 'signed-in' ? state.identity : null;

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Settings</Title>
        <Text c="dimmed" size="sm">
          API keys, data retention, demo mode, and this browser&apos;s preferences.
        </Text>
      </div>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="sm">
          Signed-in key
        </Title>
        {identity && (
          <Table variant="vertical" withTableBorder={false} aria-label="Signed-in key">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row" w={160}>Name</Table.Th>
                <Table.Td>{identity.name}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Key id</Table.Th>
                <Table.Td>
                  <Text ff="monospace" size="sm">{identity.keyId}</Text>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Scopes</Table.Th>
                <Table.Td>
                  <Group gap={6}>
                    {identity.scopes.map((scope) => (
                      <Badge key={scope} variant="default" radius="sm">
                        {scope}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="sm" id="theme-label">
          Theme
        </Title>
        <SegmentedControl
          aria-labelledby="theme-label"
          value={colorScheme}
          onChange={(value) => setColorScheme(value as MantineColorScheme)}
          data={[
            { value: 'auto', label: 'System' },
            { value: 'light', label: 'Light' },
            { value: 'dark', label: 'Dark' },
          ]}
        />
      </Paper>
      <ApiKeysPanel />
      <TimeZonePanel />
      <RetentionPanel />
      <DemoModePanel />
    </Stack>
  );
}
