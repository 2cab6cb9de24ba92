import type { ListModelsInput } from '../../shared/api';
import type { ModelObject } from '../../shared/objects';

/** Filtering and sorting of the model list: pure, over the snapshot. */
export function listModels(models: readonly ModelObject[], input: ListModelsInput = {}): ModelObject[] {
  const [labelKey, labelValue] = input.label ? splitLabel(input.label) : [];
  const search = input.search?.toLowerCase();
  const filtered = models.filter((model) => {
    if (input.provider && model.spec.provider !== input.provider) return false;
    if (input.lifecycle && model.spec.lifecycle !== input.lifecycle) return false;
    if (labelKey !== undefined && model.metadata.labels?.[labelKey] !== labelValue) return false;
    if (input.capability && (model.spec.capabilities[input.capability] ?? 0) < (input.minScore ?? 0)) return false;
    if (search && !`${model.metadata.id} ${model.metadata.title ?? ''} ${model.spec.model} ${model.spec.aliases.join(' ')}`.toLowerCase().includes(search)) return false;
    return true;
  });
  const sort = input.sort ?? 'id';
  const direction = input.order === 'desc' ? -1 : 1;
  const key = sortKey(sort);
  return filtered.sort((a, b) => {
    const left = key(a) as number;
    const right = key(b) as number;
    const order = left < right ? -1 : left > right ? 1 : 0;
    return order * direction || (a.metadata.id < b.metadata.id ? -1 : 1);
  });
}

function splitLabel(label: string): [string, string] {
  const index = label.indexOf('=');
  return [label.slice(0, index), label.slice(index + 1)];
}

function sortKey(sort: string): (model: ModelObject) => string | number {
  switch (sort) {
    case 'id':
      return (model) => model.metadata.id;
    case 'provider':
      return (model) => model.spec.provider;
    case 'lifecycle':
      return (model) => ['active', 'draft', 'deprecated', 'retired'].indexOf(model.spec.lifecycle);
    case 'price':
      return (model) => model.spec.pricing.inputPer1M + model.spec.pricing.outputPer1M;
    default:
      // a capability name: higher scores first is what "sort by reasoning" means, so flip it here
      return (model) => -(model.spec.capabilities[sort] ?? 0);
  }
}
