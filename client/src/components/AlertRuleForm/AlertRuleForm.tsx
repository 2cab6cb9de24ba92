import { Alert, Button, Code, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ALERT_METRICS, COMPARATORS, type AlertMetric, type AlertRuleObject, type Comparator } from '../../../../shared/alerts';
import { describeError, errorCode, serverProblems } from '../../api/errors';
import { useTRPC } from '../../api/trpc';
import { METRIC_TEXT } from '../../alerts/alert-format';
import type { HeaderDraft } from '../../alerts/header-draft';
import { checkDraft, draftOf, hasProblems, NEW_RULE, placeProblem, specOf, type FieldProblems, type RuleDraft } from '../../alerts/rule-draft';
import { WebhookHeaders } from '../WebhookHeaders/WebhookHeaders';

export interface AlertRuleFormProps {
  /** the stored rule being edited; absent: a new one */
  rule?: AlertRuleObject;
  modelIds: string[];
  onSaved(saved: AlertRuleObject): void;
  onCancel(): void;
}

const numberValue = (value: string | number): number | '' => (typeof value === 'number' ? value : value === '' ? '' : Number(value));

/** What the webhook's target answered the test, in words. */
function WebhookTestResult({ result }: { result: { delivered: boolean; status: number | null; error: string | null; durationMs: number } }) {
  const took = `${Math.round(result.durationMs)} ms`;
  if (result.delivered)
    return (
      <Alert color="teal" title="Delivered" role="status">
        The target answered HTTP {result.status} in {took}.
      </Alert>
    );
  return (
    <Alert color="red" title="Not delivered" role="status">
      {result.status !== null ? `The target answered HTTP ${result.status} in ${took}` : `No answer after ${took}`}
      {result.error ? `: ${result.error}` : '.'}
    </Alert>
  );
}

/**
 * Creates or edits one AlertRule. The form checks what it can with the shared schema before it
 * sends; what the server finds besides (a model deleted meanwhile, a taken id, a stale revision)
 * is shown next to the field it concerns, or above the form when it concerns none.
 */
export function AlertRuleForm({ rule, modelIds, onSaved, onCancel }: AlertRuleFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const creating = rule === undefined;
  const [draft, setDraft] = useState<RuleDraft>(rule ? draftOf(rule) : NEW_RULE);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (patch: Partial<Omit<RuleDraft, 'headers'>>) => {
    setDraft((current) => ({ ...current, ...patch }));
    // a field's problem is about the value it had: it goes when the value changes
    setProblems((current) => Object.fromEntries(Object.entries(current).filter(([field]) => !(field in patch))));
  };
  const setHeaders = (headers: HeaderDraft[], edited?: number) => {
    setDraft((current) => ({ ...current, headers }));
    // the same for a row; a row added or removed leaves the others' problems as they are
    if (edited !== undefined) setProblems(({ headers: rows, ...current }) => ({ ...current, headers: Object.fromEntries(Object.entries(rows ?? {}).filter(([key]) => Number(key) !== edited)) }));
    test.reset();
  };

  const showServerError = (error: unknown) => {
    const byField: FieldProblems = {};
    const elsewhere: string[] = [];
    for (const problem of serverProblems(error)) if (!placeProblem(byField, draft, problem.path, problem.message)) elsewhere.push(`${problem.path}: ${problem.message}`);
    setProblems(byField);
    setFormError(!hasProblems(byField) ? describeError(error) : elsewhere.length ? elsewhere.join('; ') : null);
  };

  const save = useMutation(
    trpc.alerts.put.mutationOptions({
      onSuccess: (saved) => onSaved(saved),
      // a stale revision concerns the whole form; a taken id (the same answer, on create) the id field
      onError: (error) => {
        if (!creating && errorCode(error) === 'CONFLICT') {
          setProblems({});
          setFormError(`Someone else saved this rule meanwhile: close the form and open the rule again to edit its newer revision. (${error.message})`);
        } else if (creating && errorCode(error) === 'CONFLICT') {
          setProblems({ id: `An alert rule "${draft.id}" already exists: choose another id, or edit that one` });
        } else showServerError(error);
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() }),
    }),
  );
  const test = useMutation(trpc.alerts.testWebhook.mutationOptions({ onError: (error) => showServerError(error) }));

  const submit = () => {
    setFormError(null);
    const found = checkDraft(draft, creating);
    setProblems(found);
    if (hasProblems(found)) return;
    save.mutate({ id: draft.id, revision: rule?.status.revision, spec: specOf(draft) });
  };
  const sendTest = () => {
    setFormError(null);
    // the webhook as edited, headers included, is what is tested: its own problems first
    const found = checkDraft(draft, creating);
    const webhookProblems = { webhookUrl: draft.webhookUrl.trim() ? found.webhookUrl : 'Give a URL to test', headers: found.headers };
    setProblems((current) => ({ ...current, ...webhookProblems }));
    if (hasProblems(webhookProblems)) return;
    test.reset();
    test.mutate({ ...(rule ? { id: rule.metadata.id } : {}), webhook: specOf(draft).webhook! });
  };

  const metricUnit = METRIC_TEXT[draft.metric].unit;
  return (
    <form
      noValidate
      aria-label={creating ? 'New alert rule' : `Edit alert rule ${rule.metadata.id}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        {formError && (
          <Alert color="red" role="alert" title="Not saved">
            {formError}
          </Alert>
        )}
        <TextInput label="Id" description={creating ? 'lowercase letters, digits, "." "_" "-"' : 'an id cannot be changed'} value={draft.id} onChange={(event) => set({ id: event.currentTarget.value })} error={problems.id} disabled={!creating} required />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Metric"
            data={ALERT_METRICS.map((metric) => ({ value: metric, label: `${METRIC_TEXT[metric].label} (${METRIC_TEXT[metric].unit})` }))}
            value={draft.metric}
            onChange={(metric) => metric && set({ metric: metric as AlertMetric })}
            allowDeselect={false}
            error={problems.metric}
          />
          <Select
            label="Model"
            data={[{ value: '', label: 'All models together' }, ...modelIds.map((id) => ({ value: id, label: id }))]}
            value={draft.model}
            onChange={(model) => set({ model: model ?? '' })}
            allowDeselect={false}
            searchable
            error={problems.model}
          />
          <Select label="Comparator" data={[...COMPARATORS]} value={draft.comparator} onChange={(comparator) => comparator && set({ comparator: comparator as Comparator })} allowDeselect={false} error={problems.comparator} />
          <NumberInput label={`Threshold (${metricUnit})`} value={draft.threshold} onChange={(value) => set({ threshold: numberValue(value) })} error={problems.threshold} min={0} decimalScale={6} />
          <NumberInput label="Window (seconds)" description="the live window the figure is taken over, 1–60" value={draft.windowSeconds} onChange={(value) => set({ windowSeconds: numberValue(value) })} error={problems.windowSeconds} allowDecimal={false} />
          <NumberInput label="For (seconds)" description="how long the condition must hold before it fires" value={draft.forSeconds} onChange={(value) => set({ forSeconds: numberValue(value) })} error={problems.forSeconds} allowDecimal={false} />
        </SimpleGrid>
        <Stack gap="sm">
          <TextInput
            label="Webhook URL"
            description="optional: told when the alert fires and resolves"
            placeholder="https://hooks.example.com/grove"
            value={draft.webhookUrl}
            onChange={(event) => {
              set({ webhookUrl: event.currentTarget.value });
              test.reset();
            }}
            error={problems.webhookUrl}
          />
          <WebhookHeaders rows={draft.headers} onChange={setHeaders} problems={problems.headers ?? {}} />
          <Group gap="sm" wrap="nowrap">
            <Button variant="default" onClick={sendTest} loading={test.isPending} style={{ flexShrink: 0 }}>
              Test webhook
            </Button>
            <Text size="xs" c="dimmed">
              Sends a sample alert (<Code>test: true</Code>) to the URL, with the headers as they are here.
            </Text>
          </Group>
          {test.data && <WebhookTestResult result={test.data} />}
        </Stack>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {creating ? 'Create rule' : 'Save rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
