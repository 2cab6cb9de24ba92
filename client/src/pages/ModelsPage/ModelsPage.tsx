import { Alert, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconPlus } from '@tabler/icons-react';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useSearchParams } from 'react-router';
import { describeError } from '../../api/errors';
import { filtersToParams, hasActiveFilters, parseFilters, toListInput, type ModelFilterValues } from '../../models/filters';
import { useCapabilityDefaults, useCapabilityNames, useModelList } from '../../models/queries';
import { ModelFilters } from '../../components/ModelFilters/ModelFilters';
import { ModelsTable } from '../../components/ModelsTable/ModelsTable';
import { AddModelWizard } from '../../components/AddModelWizard/AddModelWizard';
import { ConsoleModal } from '../../components/ConsoleModal/ConsoleModal';

export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const filters = parseFilters(params);
  // typing in the search box should not send a request per keystroke
  const [search] = useDebouncedValue(filters.search, 250);
  const capabilityNames = useCapabilityNames();
  const capabilityDefaults = useCapabilityDefaults();
  const models = useModelList(toListInput({ ...filters, search }));
  // every id, whatever the filters: the wizard refuses a taken one and offers them as fallbacks
  const allModels = useModelList({});
  const [adding, { open: openWizard, close: closeWizard }] = useDisclosure(false);

  const setFilters = (next: ModelFilterValues) => setParams(filtersToParams(next), { replace: true });
  const items = models.data ?? [];

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Models</Title>
          <Text c="dimmed" size="sm">
            The registry: every model Grove can route to, its lifecycle, capability scores and price.
          </Text>
        </div>
        <Group gap="md">
          {models.data && (
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="model-count">
              {items.length === 1 ? '1 model' : `${items.length} models`}
              {hasActiveFilters(filters) ? ' match the filters' : ''}
            </Text>
          )}
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={openWizard}>
            Add model
          </Button>
        </Group>
      </Group>
      <ConsoleModal opened={adding} onClose={closeWizard} title="Add a model" size="xl" closeOnClickOutside={false}>
        {adding && <AddModelWizard modelIds={(allModels.data ?? []).map((model) => model.metadata.id)} capabilityNames={capabilityNames} capabilityDefaults={capabilityDefaults} onDone={closeWizard} />}
      </ConsoleModal>
      <ModelFilters value={filters} onChange={setFilters} capabilityNames={capabilityNames} />
      <Paper withBorder p={0} radius="md">
        {models.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading models">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} height={36} />
            ))}
          </Stack>
        ) : models.isError ? (
          <Alert m="md" color="red" icon={<IconAlertCircle size={18} aria-hidden />} title="Could not load the models" role="alert">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{describeError(models.error)}</Text>
              <Button size="xs" variant="default" onClick={() => void models.refetch()}>
                Try again
              </Button>
            </Stack>
          </Alert>
        ) : items.length === 0 ? (
          <Text p="xl" ta="center" c="dimmed">
            {hasActiveFilters(filters) ? 'No model matches these filters.' : 'No models registered yet: use Add model, or grove apply -f examples/models.yaml.'}
          </Text>
        ) : (
          <ModelsTable models={items} />
        )}
      </Paper>
    </Stack>
  );
}
