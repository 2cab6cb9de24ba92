import { Alert, Badge, Button, CloseButton, Group, Paper, ScrollArea, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { CORE_CAPABILITIES } from '../../../../shared/objects';
import type { RoutingPolicySpecInput } from '../../../../shared/policy';
import { describeError, errorCode, serverProblems } from '../../api/errors';
import { useTRPC, useTRPCClient } from '../../api/trpc';
import type { CapabilityItem, ModelItem, PolicyItem } from '../../api/types';
import { DiffTable, diffSummary } from '../../components/DiffTable/DiffTable';
import { DryRunPanel } from '../../components/DryRunPanel/DryRunPanel';
import { PolicyHistory } from '../../components/PolicyHistory/PolicyHistory';
import { PolicyYaml } from '../../components/PolicyYaml/PolicyYaml';
import { ProblemList } from '../../components/ProblemList/ProblemList';
import { RouteEditor } from '../../components/RouteEditor/RouteEditor';
import { RuleList, type RuleOptions } from '../../components/RuleList/RuleList';
import { SaveConflict } from '../../components/SaveConflict/SaveConflict';
import { sideBySideDiff } from '../../models/line-diff';
import { addRule, moveRule, policyProblems, removeRule, replaceRule } from '../../routing/policy-edit';
import { POLICY_ID, specYamlLines } from '../../routing/policy-yaml';
import { samePolicy, usePolicyEditor, type PolicyBase } from '../../routing/use-policy-editor';
import type { Problem } from '../../wizard/draft';

interface SavedOutcome {
  before: PolicyBase;
  after: PolicyItem;
  /** the policy read back after saving is the one sent (defaults filled in) */
  matches: boolean;
}

const uniqueProblems = (problems: Problem[]) => [...new Map(problems.map((problem) => [`${problem.path}\n${problem.message}`, problem])).values()];

/**
 * The editor of the policy in force: rules, YAML and dry run edit one unsaved policy; Save makes a
 * revision (checked by the server, read back, shown as a diff), a stale save shows both versions.
 */
export function PolicyEditor({ base, models, capabilities }: { base: PolicyBase; models: ModelItem[]; capabilities: CapabilityItem[] }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const editor = usePolicyEditor(base);
  const { dirty, reset } = editor;
  const keys = useQuery(trpc.keys.list.queryOptions());
  const [tab, setTab] = useState<string | null>('rules');
  /** the server's problems, for the exact spec it refused: an edit since makes them stale */
  const [serverCheck, setServerCheck] = useState<{ spec: RoutingPolicySpecInput; problems: Problem[] } | null>(null);
  const [saved, setSaved] = useState<SavedOutcome | null>(null);
  const [conflict, setConflict] = useState<PolicyItem | null>(null);

  // While nothing is edited, the editor follows the policy in force (a rollback, a save elsewhere).
  useEffect(() => {
    if (!dirty && base.revision !== editor.base.revision) reset(base);
  }, [base, dirty, editor.base.revision, reset]);

  const options: RuleOptions = useMemo(() => {
    const modelIds = models.map((model) => model.metadata.id);
    return {
      modelIds,
      requestableNames: [...new Set(['auto', ...modelIds, ...models.flatMap((model) => model.spec.aliases ?? [])])],
      capabilityNames: [...new Set<string>([...CORE_CAPABILITIES, ...capabilities.map((capability) => capability.metadata.id)])],
      apiKeyIds: (keys.data?.items ?? []).map((key) => key.id),
    };
  }, [models, capabilities, keys.data]);

  const clientProblems = useMemo(() => policyProblems(editor.spec, models, capabilities), [editor.spec, models, capabilities]);
  const problems = uniqueProblems([...clientProblems, ...(serverCheck?.spec === editor.spec ? serverCheck.problems : [])]);
  const yamlProblems = editor.yamlOutOfSync
    ? (editor.yamlReading?.problems ?? [])
    : uniqueProblems([...(editor.yamlReading?.problems ?? []).filter((problem) => !problem.path.startsWith('spec')), ...problems]);
  const blocked = editor.yamlOutOfSync
    ? "The YAML view does not fit the form: fix it, or replace it with the form's version."
    : problems.length
      ? `Fix the ${problems.length === 1 ? 'problem' : `${problems.length} problems`} first: each is shown beside its field.`
      : null;

  const save = useMutation({
    mutationFn: async ({ spec, revision }: { spec: RoutingPolicySpecInput; revision: number | null }) => {
      await client.policies.put.mutate({ id: POLICY_ID, revision: revision ?? undefined, spec });
      // read back what the server now holds, rather than trusting its answer to the write
      return client.policies.get.query({ id: POLICY_ID });
    },
    onSuccess: (stored, { spec }) => {
      setSaved({ before: editor.base, after: stored, matches: samePolicy(spec, stored.spec) });
      setConflict(null);
      reset({ revision: stored.status.revision, spec: stored.spec });
      void queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() });
    },
    onError: async (error, { spec }) => {
      if (errorCode(error) === 'CONFLICT') {
        // theirs, to show beside the edit; nothing is overwritten until the operator chooses
        setConflict(await client.policies.get.query({ id: POLICY_ID }));
        return;
      }
      const problems = serverProblems(error);
      if (problems.length) setServerCheck({ spec, problems });
    },
  });
  const change: typeof editor.change = (update) => {
    setSaved(null);
    editor.change(update);
  };

  return (
    <Stack gap="md">
      <Paper withBorder p="sm" radius="md">
        <Group justify="space-between">
          <Group gap="xs">
            {dirty ? (
              <Badge variant="outline" color="orange.8" c="var(--mantine-color-text)">
                Unsaved changes
              </Badge>
            ) : (
              <Text size="sm" c="dimmed">
                No unsaved changes
              </Text>
            )}
            {problems.length > 0 && (
              <Badge variant="outline" color="red.8" c="var(--mantine-color-text)">
                {problems.length === 1 ? '1 problem' : `${problems.length} problems`}
              </Badge>
            )}
          </Group>
          <Group gap="xs">
            <Button variant="default" disabled={!dirty} onClick={() => reset(editor.base)}>
              Discard changes
            </Button>
            <Button
              leftSection={<IconDeviceFloppy size={16} aria-hidden />}
              disabled={!dirty || blocked !== null}
              loading={save.isPending && !conflict}
              onClick={() => save.mutate({ spec: editor.spec, revision: editor.base.revision })}
            >
              Save as revision {(editor.base.revision ?? 0) + 1}
            </Button>
          </Group>
        </Group>
        {dirty && blocked && (
          <Text size="sm" mt="xs" c="var(--mantine-color-error)">
            {blocked}
          </Text>
        )}
      </Paper>
      {save.isError && errorCode(save.error) !== 'CONFLICT' && (
        <Stack gap="xs">
          <Alert color="red" role="alert" title="The server refused the policy; the one in force stays in force">
            {serverProblems(save.error).length ? 'Every problem it found is listed below and shown beside its field.' : describeError(save.error)}
          </Alert>
          <ProblemList title="The server's problems" problems={serverProblems(save.error)} testId="server-problems" />
        </Stack>
      )}
      {saved && <SavedResult saved={saved} onClose={() => setSaved(null)} />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="yaml">YAML</Tabs.Tab>
          <Tabs.Tab value="dry-run">Dry run</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="rules">
          <Stack gap="lg">
            <RuleList
              rules={editor.edit.rules}
              problems={problems}
              options={options}
              onMove={(from, to) => change((edit) => moveRule(edit, from, to))}
              onChange={(index, rule) => change((edit) => replaceRule(edit, index, rule))}
              onRemove={(index) => change((edit) => removeRule(edit, index))}
              onAdd={() => change(addRule)}
            />
            <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="default-route-title">
              <Title order={3} size="h5" id="default-route-title">
                Default route
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                For every request no rule matches.
              </Text>
              <RouteEditor
                owner="the default route"
                route={editor.edit.default}
                onChange={(route) => change((edit) => ({ ...edit, default: route }))}
                problems={problems}
                path="spec.default"
                modelIds={options.modelIds}
                capabilityNames={options.capabilityNames}
              />
            </Paper>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="yaml">
          <PolicyYaml
            text={editor.yamlText}
            onChange={(text) => {
              setSaved(null);
              editor.typeYaml(text);
            }}
            problems={yamlProblems}
            outOfSync={editor.yamlOutOfSync}
            onRenderFromForm={editor.renderYamlFromForm}
          />
        </Tabs.Panel>
        <Tabs.Panel value="dry-run">
          <DryRunPanel
            spec={editor.spec}
            rules={editor.edit.rules}
            blocked={blocked}
            requestableNames={options.requestableNames}
            onServerProblems={(found) => {
              if (found.length) setServerCheck({ spec: editor.spec, problems: found });
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="history">
          <PolicyHistory currentRevision={base.revision} />
        </Tabs.Panel>
      </Tabs>
      {conflict && (
        <SaveConflict
          theirs={conflict}
          yours={editor.spec}
          startedFrom={editor.base.revision}
          overwriting={save.isPending}
          overwriteError={save.isError && errorCode(save.error) !== 'CONFLICT' ? save.error : null}
          onKeepEditing={() => setConflict(null)}
          onLoadTheirs={() => {
            reset({ revision: conflict.status.revision, spec: conflict.spec });
            setConflict(null);
            void queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() });
          }}
          onSaveMine={() => save.mutate({ spec: editor.spec, revision: conflict.status.revision })}
        />
      )}
    </Stack>
  );
}

/** After a save: the revision made, whether the read-back matches what was sent, and what changed. */
function SavedResult({ saved, onClose }: { saved: SavedOutcome; onClose(): void }) {
  const rows = useMemo(() => sideBySideDiff(specYamlLines(saved.before.spec), specYamlLines(saved.after.spec)), [saved]);
  const beforeTitle = saved.before.revision === null ? 'Before: the built-in policy' : `Before: revision ${saved.before.revision}`;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="saved-title" data-testid="saved-result">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id="saved-title">
          Saved as revision {saved.after.status.revision}, in force now
        </Title>
        <CloseButton aria-label="Close the saved result" onClick={onClose} />
      </Group>
      <Text size="sm" mb="xs" c={saved.matches ? undefined : 'var(--mantine-color-error)'}>
        {saved.matches
          ? 'Read back from the server: the stored policy is exactly the one you saved (with the defaults filled in).'
          : 'Read back from the server: the stored policy differs from the one you sent. Check the diff below.'}{' '}
        {diffSummary(rows, 'Nothing changed.')}
      </Text>
      <ScrollArea.Autosize mah={360}>
        <DiffTable rows={rows} label="What the save changed" leftTitle={beforeTitle} rightTitle={`After: revision ${saved.after.status.revision}`} />
      </ScrollArea.Autosize>
    </Paper>
  );
}
