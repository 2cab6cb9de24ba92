import { Anchor, Stack, Table, Text } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { CORE_CAPABILITIES } from '../../../../shared/objects';
import type { ModelItem } from '../../api/types';
import { formatPrice } from '../../models/format';
import { CapabilityScore } from '../CapabilityScore/CapabilityScore';
import { DemoBadge } from '../DemoBadge/DemoBadge';
import { LifecycleBadge } from '../LifecycleBadge/LifecycleBadge';
import { ProviderBadge } from '../ProviderBadge/ProviderBadge';

const CAPABILITY_HEADERS: Record<(typeof CORE_CAPABILITIES)[number], string> = {
  reasoning: 'Reasoning',
  creativity: 'Creativity',
  precision: 'Precision',
  speed: 'Speed',
  context: 'Context',
};

export function ModelsTable({ models }: { models: ModelItem[] }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table highlightOnHover verticalSpacing="sm" horizontalSpacing={8} aria-label="Models">
        <Table.Thead>
          <Table.Tr>
            {/* long titles wrap rather than push the scores out of a 1280 px window */}
            <Table.Th scope="col" w={170}>
              Model
            </Table.Th>
            <Table.Th scope="col">Provider</Table.Th>
            <Table.Th scope="col">Lifecycle</Table.Th>
            {/* before the scores: at 1280 px the table can scroll sideways, and the price matters more than the bars */}
            <Table.Th scope="col" ta="right">
              <span>Price</span>
              <Text size="xs" c="dimmed" fw={400}>
                $ per 1M tokens
              </Text>
            </Table.Th>
            {CORE_CAPABILITIES.map((capability) => (
              <Table.Th scope="col" key={capability}>
                {CAPABILITY_HEADERS[capability]}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models.map((model) => {
            const { id, title } = model.metadata;
            const { spec } = model;
            return (
              <Table.Tr key={id} data-model-id={id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/models/${encodeURIComponent(id)}`)}>
                <Table.Th scope="row" fw={400}>
                  <Stack gap={0}>
                    {/* the link is the keyboard path; the row click is a convenience for the mouse */}
                    <Anchor component={Link} to={`/models/${encodeURIComponent(id)}`} fw={600} size="sm" onClick={(event) => event.stopPropagation()}>
                      {title ?? id}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {id}
                    </Text>
                  </Stack>
                </Table.Th>
                <Table.Td>
                  {/* stacked, not side by side: at 1280 px two badges in a row were cut to "SIMUL…" and "DE…" */}
                  <Stack gap={4} align="flex-start">
                    <ProviderBadge provider={spec.provider} />
                    <DemoBadge metadata={model.metadata} />
                  </Stack>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <LifecycleBadge lifecycle={spec.lifecycle} size="sm" />
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  <Text size="sm" aria-label={`${formatPrice(spec.pricing.inputPer1M)} input, ${formatPrice(spec.pricing.outputPer1M)} output per million tokens`}>
                    {formatPrice(spec.pricing.inputPer1M)} in
                    <br />
                    {formatPrice(spec.pricing.outputPer1M)} out
                  </Text>
                </Table.Td>
                {CORE_CAPABILITIES.map((capability) => (
                  <Table.Td key={capability}>
                    <CapabilityScore name={capability} score={spec.capabilities[capability]} width={28} />
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
