import { Alert, Code, Text } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';

/**
 * Says when Grove is in demo mode (only the demo models can serve, so they answer `auto`) and
 * how to leave it. Polled, since a key or a model applied elsewhere ends it.
 */
export function DemoModeBanner() {
  const trpc = useTRPC();
  const info = useQuery({ ...trpc.system.info.queryOptions(), refetchInterval: 15_000 });
  if (!info.data?.demoMode) return null;
  return (
    <Alert color="grape" variant="light" title="Demo mode" icon={<IconFlask size={18} aria-hidden />} mb="lg" data-testid="demo-mode-banner">
      <Text size="sm">
        No real model can serve yet, so the simulated demo models ({info.data.demoModels.join(', ')}) answer requests.{' '}
        {info.data.demoTraffic
          ? 'The traffic on the charts is demo traffic Grove sends itself (a request or two a second), counted apart from real figures under the key “demo-traffic”.'
          : 'Demo traffic is off (GROVE_DEMO_TRAFFIC=off): the charts show only the requests sent to Grove.'}{' '}
        To leave demo mode, give a model its key (for
        example set <Code>ANTHROPIC_API_KEY</Code> and restart Grove) or register one with <Code>grove apply -f FILE</Code>. <Code>grove demo remove</Code> deletes
        the demo models.
      </Text>
    </Alert>
  );
}
