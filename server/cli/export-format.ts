import { stringify } from 'yaml';
import { CORE_CAPABILITIES } from '../../shared/objects';

interface ExportedObject {
  apiVersion: string;
  kind: string;
  metadata: { id: string; title?: string; description?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: unknown;
}

/**
 * What `apply` accepts back: `status` is read-only so it is dropped, and keys come in one order so
 * that two exports of the same registry are byte-identical. Secrets stay as the server shows them
 * (`{ set: true, last4 }` means "keep the stored value").
 */
export function applicable(object: ExportedObject): Record<string, unknown> {
  const { id, title, description, labels } = object.metadata;
  const metadata = { id, ...(title === undefined ? {} : { title }), ...(description === undefined ? {} : { description }), ...(labels === undefined ? {} : { labels: ordered(labels) }) };
  return { apiVersion: object.apiVersion, kind: object.kind, metadata, spec: ordered(object.spec) as Record<string, unknown> };
}

/**
 * The order a person would write a spec in (DESIGN.md's), then any other key alphabetically: the
 * database returns JSON keys in its own order, which reads badly and would make diffs noisy.
 */
const preferredOrder = [
  ...['provider', 'model', 'baseUrl', 'apiKey', 'env', 'set', 'last4', 'capabilities', ...CORE_CAPABILITIES, 'contextWindow', 'maxOutputTokens'],
  ...['pricing', 'inputPer1M', 'outputPer1M', 'timeoutMs', 'fallbacks', 'aliases', 'lifecycle', 'replacement', 'headers', 'simulation', 'latencyMs'],
  ...['description', 'defaultScore', 'rules', 'name', 'priority', 'when', 'route', 'default', 'strategy'],
  ...['metric', 'comparator', 'threshold', 'windowSeconds', 'forSeconds', 'webhook', 'url'],
];
const rank = new Map(preferredOrder.map((key, index) => [key, index]));

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, ordered((value as Record<string, unknown>)[key])]));
}

export function formatObjects(objects: ReadonlyArray<ExportedObject>, format: 'yaml' | 'json'): string {
  const documents = objects.map(applicable);
  if (format === 'json') return JSON.stringify(documents, null, 2) + '\n';
  return documents.map((document) => stringify(document, { lineWidth: 0 })).join('---\n');
}
