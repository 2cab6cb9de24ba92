import { Alert, Button, Group, ScrollArea, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { RoutingPolicySpecInput } from '../../../../shared/policy';
import { describeError } from '../../api/errors';
import type { PolicyItem } from '../../api/types';
import { sideBySideDiff } from '../../models/line-diff';
import { specYamlLines } from '../../routing/policy-yaml';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { formatDayClock } from '../../time/reporting-zone';
import { ConsoleModal } from '../ConsoleModal/ConsoleModal';
import { DiffTable, diffSummary } from '../DiffTable/DiffTable';

interface SaveConflictProps {
  /** the policy someone else saved while this one was edited */
  theirs: PolicyItem;
  yours: RoutingPolicySpecInput;
  /** the revision the edit started from; null: from the built-in policy */
  startedFrom: number | null;
  overwriting: boolean;
  overwriteError: unknown;
  onKeepEditing(): void;
  onLoadTheirs(): void;
  onSaveMine(): void;
}

/**
 * A stale save: someone saved first. Both versions side by side, and the operator chooses; the
 * save never overwrites theirs unless asked to, and then as a new revision over theirs.
 */
export function SaveConflict({ theirs, yours, startedFrom, overwriting, overwriteError, onKeepEditing, onLoadTheirs, onSaveMine }: SaveConflictProps) {
  const { timeZone } = useReportingTimeZone();
  const rows = useMemo(() => sideBySideDiff(specYamlLines(theirs.spec), specYamlLines(yours)), [theirs, yours]);
  return (
    <ConsoleModal opened onClose={onKeepEditing} title="Someone else saved the policy first" size="xl">
      <Stack gap="sm">
        <Text size="sm">
          You started from {startedFrom === null ? 'the built-in policy' : `revision ${startedFrom}`}; revision {theirs.status.revision} was saved meanwhile, at {formatDayClock(Date.parse(theirs.status.updatedAt), timeZone)} ({timeZone}). Nothing of yours was saved yet:
          compare the two and choose.
        </Text>
        <Text size="xs" c="dimmed">
          {diffSummary(rows, 'The two versions are the same policy.')}
        </Text>
        <ScrollArea.Autosize mah={420}>
          <DiffTable rows={rows} label="Their saved policy compared with your edit" leftTitle={`Theirs: revision ${theirs.status.revision}`} rightTitle="Yours: unsaved" />
        </ScrollArea.Autosize>
        {overwriteError ? (
          <Alert color="red" role="alert" title="Your version was not saved">
            {describeError(overwriteError)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onKeepEditing}>
            Keep editing
          </Button>
          <Button variant="default" onClick={onLoadTheirs}>
            Load theirs, drop my edits
          </Button>
          <Button color="orange" loading={overwriting} onClick={onSaveMine}>
            Save mine over theirs
          </Button>
        </Group>
      </Stack>
    </ConsoleModal>
  );
}
