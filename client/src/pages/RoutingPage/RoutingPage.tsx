import { Alert, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { POLICY_ID } from '../../routing/policy-yaml';
import { useReportingTimeZone } from '../../settings/ReportingTimeZone';
import { formatDayClock } from '../../time/reporting-zone';
import type { PolicyBase } from '../../routing/use-policy-editor';
import { PolicyEditor } from './PolicyEditor';

/** The Routing page: the policy in force, edited with a dry run before it is saved. */
export function RoutingPage() {
  const trpc = useTRPC();
  const { timeZone } = useReportingTimeZone();
  const policies = useQuery(trpc.policies.list.queryOptions());
  const models = useQuery(trpc.models.list.queryOptions({}));
  const capabilities = useQuery(trpc.capabilities.list.queryOptions());

  const heading = (
    <Title order={2} mb={4}>
      Routing
    </Title>
  );
  if (policies.isPending || models.isPending || capabilities.isPending) {
    return (
      <Stack>
        {heading}
        <Skeleton height={240} aria-label="Loading the routing policy" />
      </Stack>
    );
  }
  const failed = policies.error ?? models.error ?? capabilities.error;
  if (failed || !policies.data || !models.data || !capabilities.data) {
    return (
      <Stack>
        {heading}
        <Alert color="red" role="alert" title="Could not load the routing policy">
          {describeError(failed)}
        </Alert>
      </Stack>
    );
  }

  const stored = policies.data.items.find((policy) => policy.metadata.id === POLICY_ID);
  const base: PolicyBase = stored ? { revision: stored.status.revision, spec: stored.spec } : { revision: null, spec: policies.data.builtinDefault };
  return (
    <Stack gap="md">
      <div>
        {heading}
        <Text size="sm" c="dimmed" data-testid="policy-in-force">
          {stored
            ? `In force: the "${POLICY_ID}" policy, revision ${stored.status.revision}, saved ${formatDayClock(Date.parse(stored.status.updatedAt), timeZone)} (${timeZone}). Rules are tried from the top; the first match routes the request.`
            : `In force: the built-in policy (no rules; every request ranked by the five core capabilities). Saving makes the "${POLICY_ID}" policy, revision 1.`}
        </Text>
      </div>
      <PolicyEditor base={base} models={models.data.items} capabilities={capabilities.data.items} />
    </Stack>
  );
}
