import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { describeError } from '../../api/errors';
import { DIALOG_PROPS } from '../../models/dialog';
import { sideBySideDiff } from '../../models/line-diff';
import { DiffTable, diffSummary } from '../DiffTable/DiffTable';

export interface DiffableRevision {
  revision: number;
  action: string;
}

export interface RevisionDiffProps<R extends DiffableRevision> {
  /** what the revisions are of, as the rollback dialog names it (a model id, "the default policy") */
  subject: string;
  /** newest first */
  revisions: R[];
  currentRevision: number;
  /** the revision as the lines the diff compares (YAML, keys in the documented order) */
  toLines(revision: R): string[];
  /** writes a new revision with the spec of `revision`; resolves to the new revision's number */
  rollback(revision: R): Promise<number>;
  /** after a rollback settled, whether or not it worked: refresh what shows the object */
  onRollbackSettled(): Promise<unknown>;
  /** what a rollback changes at once, said in the confirmation */
  effect: string;
}

/**
 * Two revisions side by side (any two), and rollback to the older one: a new revision with its
 * spec, never a rewrite of history, confirmed first.
 */
export function RevisionDiff<R extends DiffableRevision>({ subject, revisions, currentRevision, toLines, rollback, onRollbackSettled, effect }: RevisionDiffProps<R>) {
  const options = revisions.map((revision) => ({ value: String(revision.revision), label: `Revision ${revision.revision} (${revision.action})` }));
  const [leftId, setLeftId] = useState(String(revisions[1]?.revision ?? revisions[0]?.revision ?? ''));
  const [rightId, setRightId] = useState(String(revisions[0]?.revision ?? ''));
  const [confirming, setConfirming] = useState(false);
  const left = revisions.find((revision) => String(revision.revision) === leftId);
  const right = revisions.find((revision) => String(revision.revision) === rightId);
  const rows = useMemo(() => (left && right ? sideBySideDiff(toLines(left), toLines(right)) : []), [left, right, toLines]);
  const rollbackMutation = useMutation({
    mutationFn: rollback,
    onSuccess: (revision) => {
      setConfirming(false);
      notifications.show({ color: 'teal', title: 'Rolled back', message: `${subject} now has the spec of revision ${left?.revision}, as revision ${revision}.` });
    },
    onSettled: onRollbackSettled,
  });
  if (revisions.length < 2) return <Text size="sm" c="dimmed">One revision only: nothing to compare yet.</Text>;
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <Select label="Compare" data={options} value={leftId} onChange={(value) => value && setLeftId(value)} allowDeselect={false} w={240} />
        <Select label="with" data={options} value={rightId} onChange={(value) => value && setRightId(value)} allowDeselect={false} w={240} />
        {left && left.revision !== currentRevision && left.action !== 'delete' && (
          <Button variant="light" color="orange" onClick={() => setConfirming(true)}>
            Roll back to revision {left.revision}
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {diffSummary(rows, 'The two revisions have the same metadata and spec.')}
      </Text>
      <DiffTable rows={rows} label={`Revision ${leftId} compared with revision ${rightId}`} leftTitle={`Revision ${leftId}`} rightTitle={`Revision ${rightId}`} />
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={`Roll back ${subject} to revision ${left?.revision}?`} centered {...DIALOG_PROPS}>
        <Stack gap="sm">
          <Text size="sm">
            This writes a new revision with the spec of revision {left?.revision}; the history keeps every revision. {effect}
          </Text>
          {rollbackMutation.isError && (
            <Alert color="red" role="alert" title="The rollback was refused">
              {describeError(rollbackMutation.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="orange" loading={rollbackMutation.isPending} onClick={() => left && rollbackMutation.mutate(left)}>
              Roll back
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
