import { Alert, Anchor, Modal, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { DIALOG_PROPS } from '../../models/dialog';
import { DecisionDetail } from '../DecisionDetail/DecisionDetail';
import { DecisionsTable } from '../DecisionsTable/DecisionsTable';

const SHOWN = 20;

/** The last requests this model served or was tried for, with why each went where it went; each opens its full decision. */
export function RecentDecisions({ modelId, timeZone }: { modelId: string; timeZone: string }) {
  const trpc = useTRPC();
  const decisions = useQuery({ ...trpc.decisions.list.queryOptions({ model: modelId, limit: SHOWN }), refetchInterval: 5_000 });
  const keys = useQuery(trpc.keys.list.queryOptions());
  const keyNames = useMemo(() => new Map((keys.data?.items ?? []).map((key) => [key.id, key.name])), [keys.data]);
  const [open, setOpen] = useState<string | null>(null);

  if (decisions.isPending) return <Skeleton h={160} aria-label="Loading recent decisions" />;
  if (decisions.isError)
    return (
      <Alert color="red" role="alert" title="Could not load the decisions">
        {describeError(decisions.error)}
      </Alert>
    );
  if (decisions.data.items.length === 0) return <Text c="dimmed">No request has been routed to this model yet.</Text>;
  return (
    <Stack gap="xs">
      <DecisionsTable label="Recent decisions" items={decisions.data.items} timeZone={timeZone} keyNames={keyNames} onOpen={setOpen} />
      <Anchor component={Link} to={`/decisions?model=${encodeURIComponent(modelId)}`} size="sm">
        Every decision of {modelId}, with filters and search, on the Decisions page
      </Anchor>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title="Routing decision" size="xl" {...DIALOG_PROPS}>
        {open && <DecisionDetail id={open} timeZone={timeZone} />}
      </Modal>
    </Stack>
  );
}
