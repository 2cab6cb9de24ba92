import { useState } from 'react';
import { Code, CopyButton, Button, Group, SegmentedControl, ScrollArea } from '@mantine/core';
import { stringify } from 'yaml';
import type { ModelItem } from '../../api/types';
import { orderedModelSpec } from '../../models/spec-order';

/** The object as `grove apply` accepts it: status is server-owned, so it is left out. */
export function applyableObject(model: ModelItem) {
  return { apiVersion: model.apiVersion, kind: model.kind, metadata: model.metadata, spec: orderedModelSpec(model.spec) };
}

export function SpecSource({ model }: { model: ModelItem }) {
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const object = applyableObject(model);
  const text = format === 'yaml' ? stringify(object) : JSON.stringify(object, null, 2);
  return (
    <div>
      <Group justify="space-between" mb="sm">
        <SegmentedControl
          aria-label="Source format"
          value={format}
          onChange={(value) => setFormat(value as 'yaml' | 'json')}
          data={[
            { value: 'yaml', label: 'YAML' },
            { value: 'json', label: 'JSON' },
          ]}
        />
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button variant="default" size="xs" onClick={copy}>
              {copied ? 'Copied' : `Copy ${format.toUpperCase()}`}
            </Button>
          )}
        </CopyButton>
      </Group>
      {/* a region that scrolls takes focus, so that the keyboard can scroll it (axe: scrollable-region-focusable) */}
      <ScrollArea.Autosize mah={560} viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': `Model as ${format.toUpperCase()}, scrollable` }}>
        <Code block aria-label={`Model as ${format.toUpperCase()}`} data-testid="spec-source">
          {text}
        </Code>
      </ScrollArea.Autosize>
    </div>
  );
}
