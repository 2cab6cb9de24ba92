import { useMemo } from 'react';
import { Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { knownTimeZones, offsetLabel } from '../../settings/time-zones';

/** The zone every table, chart and export of this console uses; kept in this browser. */
export function TimeZonePanel() {
  const { timeZone, source, browserZone, setTimeZone, format } = useReportingTimeZone();
  const options = useMemo(() => knownTimeZones().map((zone) => ({ value: zone, label: `${zone} (${offsetLabel(zone)})` })), []);
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb={4}>
        Reporting time zone
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Used by every table, chart and export in this console, and by the day boundaries of the figures it asks for. Kept in this browser.
      </Text>
      <Stack gap="xs" maw={520}>
        <Select label="Time zone" data={options} value={timeZone} onChange={(zone) => zone && setTimeZone(zone)} searchable allowDeselect={false} nothingFoundMessage="No such zone" limit={400} />
        <Text size="sm" data-testid="time-zone-summary">
          {source === 'browser' ? `Following this browser (${browserZone}).` : `Chosen here; this browser is in ${browserZone}.`} Now: {format(Date.now())}
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => setTimeZone('UTC')} disabled={source === 'chosen' && timeZone === 'UTC'}>
            Use UTC
          </Button>
          <Button size="xs" variant="default" onClick={() => setTimeZone(null)} disabled={source === 'browser'}>
            Follow the browser
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
