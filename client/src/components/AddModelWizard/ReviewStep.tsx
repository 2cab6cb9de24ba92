import { Stack, Text, Textarea } from '@mantine/core';
import type { Problem } from '../../wizard/draft';
import { ProblemList } from '../ProblemList/ProblemList';

/** Step 3: the object exactly as it will be stored, editable; every problem listed with its path. */
export function ReviewStep({ yaml, onYamlChange, problems }: { yaml: string; onYamlChange(text: string): void; problems: Problem[] }) {
  return (
    <Stack gap="sm">
      <Text size="sm">
        This is the GroveObject Grove will store, as <code>grove apply -f</code> takes it. Edit it here if you like: it is checked as you type, and unknown keys are refused, not dropped.
      </Text>
      <Textarea
        label="Model as YAML"
        value={yaml}
        onChange={(event) => onYamlChange(event.currentTarget.value)}
        autosize
        minRows={12}
        maxRows={28}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        error={problems.length > 0 ? `${problems.length === 1 ? '1 problem' : `${problems.length} problems`}: see below` : undefined}
        data-testid="review-yaml"
      />
      <ProblemList title="Fix these before registering" problems={problems} testId="review-problems" alert />
    </Stack>
  );
}
