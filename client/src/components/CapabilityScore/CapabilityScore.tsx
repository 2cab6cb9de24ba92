import { Box, Group, Progress, Text } from '@mantine/core';

function scoreColor(score: number): string {
  if (score >= 80) return 'teal.8';
  if (score >= 50) return 'blue.7';
  return 'gray.6';
}

/** A 0-100 score as a number with a compact bar; the number carries the meaning, the bar only helps scanning. */
export function CapabilityScore({ name, score, width = 56 }: { name: string; score: number; width?: number }) {
  return (
    <Group gap={6} wrap="nowrap" aria-label={`${name} ${score} of 100`} role="group">
      <Text size="sm" fw={500} w={24} ta="right" aria-hidden style={{ fontVariantNumeric: 'tabular-nums' }}>
        {score}
      </Text>
      <Box w={width} aria-hidden>
        <Progress value={score} size="sm" color={scoreColor(score)} />
      </Box>
    </Group>
  );
}
