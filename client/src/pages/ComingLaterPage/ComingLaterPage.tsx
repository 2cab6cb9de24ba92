import { Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconHourglassEmpty } from '@tabler/icons-react';

/** A page whose feature a later piece of work delivers: says so plainly instead of showing made-up data. */
export function ComingLaterPage({ title, summary, arrives }: { title: string; summary: string; arrives: string }) {
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{title}</Title>
        <Text c="dimmed" size="sm">
          {summary}
        </Text>
      </div>
      <Paper withBorder p="xl">
        <Stack align="center" gap="sm" py="xl">
          <ThemeIcon size={48} radius="xl" variant="light" color="gray" aria-hidden>
            <IconHourglassEmpty size={26} />
          </ThemeIcon>
          <Text fw={600}>Not built yet</Text>
          <Text c="dimmed" ta="center" maw={520}>
            {arrives}
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
