import { Text } from '@mantine/core';

/** A problem with a group of fields (a range, a list) as a whole, under the group, in the same red as a field's error. */
export function GroupError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Text size="xs" c="var(--mantine-color-error)" data-problem>
      {message}
    </Text>
  );
}
