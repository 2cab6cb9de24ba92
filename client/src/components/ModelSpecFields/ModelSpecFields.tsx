import type { ReactNode } from 'react';
import { Anchor, Badge, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { ModelItem } from '../../api/types';
import { formatDuration, formatPrice, formatTokens } from '../../models/format';
import { orderedCapabilities } from '../../models/spec-order';
import { CapabilityScore } from '../CapabilityScore/CapabilityScore';
import { ProviderBadge } from '../ProviderBadge/ProviderBadge';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={200} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function None() {
  return (
    <Text span c="dimmed" size="sm">
      none
    </Text>
  );
}

function ModelLinks({ ids }: { ids: string[] }) {
  if (ids.length === 0) return <None />;
  return (
    <Group gap="xs">
      {ids.map((id) => (
        <Anchor key={id} component={Link} to={`/models/${encodeURIComponent(id)}`} ff="monospace" size="sm">
          {id}
        </Anchor>
      ))}
    </Group>
  );
}

function apiKeyText(apiKey: ModelItem['spec']['apiKey']): ReactNode {
  if (!apiKey) return <None />;
  if ('env' in apiKey) return <Text size="sm">from environment variable <code>{apiKey.env}</code></Text>;
  return <Text size="sm">stored encrypted, ending in <code>{apiKey.last4}</code></Text>;
}

/** The spec as readable fields; the source view next to it shows the same data as YAML/JSON. */
export function ModelSpecFields({ model }: { model: ModelItem }) {
  const { spec, metadata } = model;
  const labels = Object.entries(metadata.labels ?? {});
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
      <Table variant="vertical" layout="fixed" withTableBorder={false} aria-label="Specification">
        <Table.Tbody>
          <Field label="Provider">
            <ProviderBadge provider={spec.provider} />
          </Field>
          <Field label="Upstream model">
            <Text ff="monospace" size="sm">{spec.model}</Text>
          </Field>
          <Field label="Base URL">{spec.baseUrl ? <Text ff="monospace" size="sm">{spec.baseUrl}</Text> : <Text size="sm" c="dimmed">provider default</Text>}</Field>
          <Field label="API key">{apiKeyText(spec.apiKey)}</Field>
          <Field label="Context window">{formatTokens(spec.contextWindow)} tokens</Field>
          <Field label="Max output">{formatTokens(spec.maxOutputTokens)} tokens</Field>
          <Field label="Price per 1M tokens">
            {formatPrice(spec.pricing.inputPer1M)} input · {formatPrice(spec.pricing.outputPer1M)} output
          </Field>
          <Field label="Timeout">{formatDuration(spec.timeoutMs)}</Field>
          <Field label="Fallbacks">
            <ModelLinks ids={spec.fallbacks} />
          </Field>
          <Field label="Aliases">
            {spec.aliases.length ? (
              <Group gap={6}>
                {spec.aliases.map((alias) => (
                  <Badge key={alias} variant="default" radius="sm" tt="none">
                    {alias}
                  </Badge>
                ))}
              </Group>
            ) : (
              <None />
            )}
          </Field>
          <Field label="Replacement">
            <ModelLinks ids={spec.replacement ? [spec.replacement] : []} />
          </Field>
          <Field label="Labels">
            {labels.length ? (
              <Group gap={6}>
                {labels.map(([key, value]) => (
                  <Badge key={key} variant="default" radius="sm" tt="none">
                    {key}={value}
                  </Badge>
                ))}
              </Group>
            ) : (
              <None />
            )}
          </Field>
        </Table.Tbody>
      </Table>
      <Stack gap="sm">
        <Title order={3} size="h5">
          Capability scores
        </Title>
        <Table variant="vertical" withTableBorder={false} aria-label="Capability scores">
          <Table.Tbody>
            {Object.entries(orderedCapabilities(spec.capabilities)).map(([name, score]) => (
              <Table.Tr key={name}>
                <Table.Th scope="row" w={140} fw={500} c="dimmed" tt="capitalize">
                  {name}
                </Table.Th>
                <Table.Td>
                  <CapabilityScore name={name} score={score} width={200} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {spec.simulation && (
          <Text size="sm" c="dimmed">
            Simulated: latency p50 {formatDuration(spec.simulation.latencyMs.p50)}, p99 {formatDuration(spec.simulation.latencyMs.p99)},{' '}
            {spec.simulation.tokensPerSecond} tokens/s, error rate {(spec.simulation.errorRate * 100).toFixed(1)}%.
          </Text>
        )}
      </Stack>
    </SimpleGrid>
  );
}
