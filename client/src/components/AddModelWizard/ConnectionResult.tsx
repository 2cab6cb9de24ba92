import { Alert, Badge, Code, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../../server/router';

export type ConnectionTestOutcome = inferRouterOutputs<AppRouter>['models']['testConnection'];

const KIND_LABELS: Record<NonNullable<ConnectionTestOutcome['problem']>['kind'], string> = {
  auth: 'auth',
  not_found: 'not found',
  network: 'network',
  rate_limit: 'rate limit',
  wrong_format: 'wrong format',
  timeout: 'timeout',
  no_key: 'no key',
  rejected: 'rejected',
  upstream_error: 'upstream error',
};

function RequestSent({ request }: { request: NonNullable<ConnectionTestOutcome['request']> }) {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  return (
    <details>
      <summary>
        <Text span size="sm" fw={500}>
          Request sent (key redacted)
        </Text>
      </summary>
      <Code block mt="xs" aria-label="Request sent" data-testid="connection-request" tabIndex={0}>
        {`${request.method} ${request.url}\n${headers}\n\n${request.body}`}
      </Code>
    </details>
  );
}

/** What Test connection found: the answer, or the kind of failure, its message and how to fix it; always the request. */
export function ConnectionResult({ outcome }: { outcome: ConnectionTestOutcome }) {
  const { problem, answer, request } = outcome;
  if (!problem) {
    return (
      <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} aria-hidden />} title={`Connected: the model answered in ${outcome.latencyMs} ms`} data-testid="connection-result">
        <Stack gap="xs">
          <Text size="sm">
            Answer from <Code>{answer?.model}</Code>: “{answer?.text ?? ''}” ({answer?.usage.promptTokens} tokens in, {answer?.usage.completionTokens} out, finish: {answer?.finishReason})
          </Text>
          {request ? <RequestSent request={request} /> : <Text size="sm">Simulated models answer in-process: no request goes out.</Text>}
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />} title={problem.title} data-testid="connection-result">
      <Stack gap="xs">
        <Group gap="xs">
          <Badge color="red" variant="outline" radius="sm">
            {KIND_LABELS[problem.kind]}
          </Badge>
          {problem.upstreamStatus !== null && <Text size="sm">HTTP {problem.upstreamStatus}</Text>}
          <Text size="sm">after {outcome.latencyMs} ms</Text>
        </Group>
        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {problem.message}
        </Text>
        <Text size="sm">
          <b>How to fix it:</b> {problem.hint}
        </Text>
        {request && <RequestSent request={request} />}
      </Stack>
    </Alert>
  );
}
