import { Button, Group, NumberInput, Select, TextInput } from '@mantine/core';
import { IconSearch, IconX } from '@tabler/icons-react';
import { LIFECYCLES, PROVIDERS } from '../../../../shared/objects';
import { DEFAULT_FILTERS, hasActiveFilters, type ModelFilterValues } from '../../models/filters';
import { LIFECYCLE_STYLE } from '../../models/lifecycle';
import { providerName } from '../ProviderBadge/ProviderBadge';

export interface ModelFiltersProps {
  value: ModelFilterValues;
  onChange(next: ModelFilterValues): void;
  /** core capabilities first, then declared ones */
  capabilityNames: string[];
}

function titleCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function ModelFilters({ value, onChange, capabilityNames }: ModelFiltersProps) {
  const set = (patch: Partial<ModelFilterValues>) => onChange({ ...value, ...patch });
  const capabilityOptions = capabilityNames.map((name) => ({ value: name, label: titleCase(name) }));

  return (
    <Group align="flex-end" gap="sm" role="search" aria-label="Filter models">
      <TextInput
        label="Search"
        placeholder="id, title, model or alias"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={value.search}
        onChange={(event) => set({ search: event.currentTarget.value })}
        w={260}
      />
      <Select
        label="Provider"
        placeholder="All providers"
        data={PROVIDERS.map((provider) => ({ value: provider, label: providerName(provider) }))}
        value={value.provider}
        onChange={(provider) => set({ provider: provider as ModelFilterValues['provider'] })}
        clearable
        w={190}
      />
      <Select
        label="Lifecycle"
        placeholder="Any lifecycle"
        data={LIFECYCLES.map((lifecycle) => ({ value: lifecycle, label: LIFECYCLE_STYLE[lifecycle].label }))}
        value={value.lifecycle}
        onChange={(lifecycle) => set({ lifecycle: lifecycle as ModelFilterValues['lifecycle'] })}
        clearable
        w={150}
      />
      <Select
        label="Capability"
        placeholder="Choose"
        data={capabilityOptions}
        value={value.capability}
        onChange={(capability) => set({ capability, minScore: capability ? (value.minScore ?? 70) : null })}
        clearable
        w={150}
      />
      <NumberInput
        label="Minimum score"
        placeholder="0-100"
        min={0}
        max={100}
        clampBehavior="strict"
        value={value.minScore ?? ''}
        onChange={(score) => set({ minScore: typeof score === 'number' ? score : null })}
        disabled={!value.capability}
        w={130}
      />
      <Select
        label="Sort by"
        data={[
          { value: 'id', label: 'Id' },
          { value: 'provider', label: 'Provider' },
          { value: 'lifecycle', label: 'Lifecycle' },
          { value: 'price', label: 'Price' },
          ...capabilityOptions.map((option) => ({ value: option.value, label: `${option.label} (best first)` })),
        ]}
        value={value.sort}
        onChange={(sort) => set({ sort: sort ?? 'id' })}
        allowDeselect={false}
        w={190}
      />
      {hasActiveFilters(value) && (
        <Button variant="subtle" leftSection={<IconX size={16} aria-hidden />} onClick={() => onChange({ ...DEFAULT_FILTERS, sort: value.sort })}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
