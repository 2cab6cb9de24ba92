import { Button, CopyButton, Group, Stack, Text, Textarea } from '@mantine/core';
import type { Problem } from '../../wizard/draft';
import { ProblemList } from '../ProblemList/ProblemList';

interface PolicyYamlProps {
  text: string;
  onChange(text: string): void;
  problems: Problem[];
  /** the typed YAML does not fit the form: the form holds its last good state */
  outOfSync: boolean;
  onRenderFromForm(): void;
}

/** The edited policy as YAML, editable and checked as it is typed; it and the form edit one policy. */
export function PolicyYaml({ text, onChange, problems, outOfSync, onRenderFromForm }: PolicyYamlProps) {
  return (
    <Stack gap="sm">
      <Text size="sm">
        The policy as <code>grove apply -f</code> takes it. Edits here reach the form as you type; unknown keys are refused, not dropped.
      </Text>
      <Textarea
        label="Policy as YAML"
        value={text}
        onChange={(event) => onChange(event.currentTarget.value)}
        autosize
        minRows={14}
        maxRows={40}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        error={problems.length > 0 ? `${problems.length === 1 ? '1 problem' : `${problems.length} problems`}: see below` : undefined}
        data-testid="policy-yaml"
      />
      <Group>
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button variant="default" size="xs" onClick={copy}>
              {copied ? 'Copied' : 'Copy YAML'}
            </Button>
          )}
        </CopyButton>
        {outOfSync && (
          <Button variant="light" size="xs" onClick={onRenderFromForm}>
            Replace the YAML with the form's version
          </Button>
        )}
      </Group>
      {outOfSync && (
        <Text size="sm" c="var(--mantine-color-error)" data-testid="yaml-out-of-sync">
          This YAML does not fit the form, which keeps its last good state: fix it, or replace it with the form's version. Saving and dry runs wait until then.
        </Text>
      )}
      <ProblemList title="Problems in this policy" problems={problems} testId="yaml-problems" />
    </Stack>
  );
}
