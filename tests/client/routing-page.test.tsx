import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_KEY, startGrove, type TestGrove } from './grove-server';
import { REGISTRY_FIXTURE } from './registry-fixture';
import { renderApp } from './render';

let grove: TestGrove;
beforeAll(async () => {
  grove = await startGrove();
});
afterAll(async () => {
  await grove?.close();
});

type Spec = { rules: Array<Record<string, unknown>>; default: Record<string, unknown> };

/** Puts the policy in force behind the console's back, as another operator would; returns its revision. */
async function putPolicy(rules: Spec['rules']): Promise<number> {
  const { items } = await grove.admin.policies.list.query();
  const current = items.find((policy) => policy.metadata.id === 'default');
  const stored = await grove.admin.policies.put.mutate({ id: 'default', revision: current?.status.revision, spec: { rules, default: { strategy: 'capability' } } });
  return stored.status.revision;
}

const rule = (name: string, priority: number, taskType = name) => ({ name, priority, when: { taskType }, route: { strategy: 'capability' } });

async function openRouting() {
  const user = userEvent.setup();
  renderApp({ trpcUrl: grove.trpcUrl, savedKey: ADMIN_KEY, path: '/routing' });
  await screen.findByTestId('policy-in-force');
  return user;
}

const ruleNames = () =>
  within(screen.getByRole('list', { name: 'Rules, highest priority first' }))
    .getAllByRole('listitem')
    .filter((item) => item.hasAttribute('data-rule'))
    .map((item) => item.getAttribute('data-rule'));

/** What the polite live regions say now: a move is announced in one of them. */
const statusTexts = () => screen.getAllByRole('status').map((region) => region.textContent);

const yamlField = () => screen.getByRole('textbox', { name: 'Policy as YAML' }) as HTMLTextAreaElement;
const yamlSpec = () => (parse(yamlField().value) as { spec: Spec }).spec;

/** Types a whole policy into the YAML view, as pasting it would. */
function typeYaml(spec: Spec) {
  fireEvent.change(yamlField(), { target: { value: `apiVersion: grove/v1\nkind: RoutingPolicy\nmetadata:\n  id: default\nspec: ${JSON.stringify(spec)}\n` } });
}

// each test types into a whole policy editor in jsdom against a real server: slower than most
describe('Routing page', { timeout: 90_000 }, () => {
  it('reorders rules by keyboard and by button, announces each move, renumbers priorities and saves them', async () => {
    const revision = await putPolicy([rule('alpha', 30), rule('bravo', 20), rule('charlie', 10)]);
    const user = await openRouting();
    expect(ruleNames()).toEqual(['alpha', 'bravo', 'charlie']);

    const handle = screen.getByRole('button', { name: /^Reorder rule charlie, position 3 of 3/ });
    handle.focus();
    await user.keyboard('{ArrowUp}');
    expect(ruleNames()).toEqual(['alpha', 'charlie', 'bravo']);
    expect(statusTexts()).toContain('Moved rule charlie to position 2 of 3, priority 20.');
    // focus stays on the moved rule, so the next arrow moves it again
    await waitFor(() => expect(document.activeElement).toHaveAccessibleName(/^Reorder rule charlie, position 2 of 3/));
    await user.keyboard('{ArrowUp}');
    expect(ruleNames()).toEqual(['charlie', 'alpha', 'bravo']);

    await user.click(screen.getByRole('button', { name: 'Move rule bravo up' }));
    expect(ruleNames()).toEqual(['charlie', 'bravo', 'alpha']);
    expect(statusTexts()).toContain('Moved rule bravo to position 2 of 3, priority 20.');
    expect(screen.getByRole('button', { name: 'Move rule charlie up' })).toBeDisabled();

    await user.click(screen.getByRole('tab', { name: 'YAML' }));
    expect(yamlSpec().rules.map((entry) => [entry.name, entry.priority])).toEqual([
      ['charlie', 30],
      ['bravo', 20],
      ['alpha', 10],
    ]);

    await user.click(screen.getByRole('button', { name: `Save as revision ${revision + 1}` }));
    const saved = await screen.findByTestId('saved-result');
    expect(within(saved).getByText(/exactly the one you saved/)).toBeInTheDocument();
    const stored = await grove.admin.policies.get.query({ id: 'default' });
    expect(stored.status.revision).toBe(revision + 1);
    expect(stored.spec.rules.map((entry) => [entry.name, entry.priority])).toEqual([
      ['charlie', 30],
      ['bravo', 20],
      ['alpha', 10],
    ]);
    const diff = within(saved).getByRole('table', { name: 'What the save changed' });
    expect(within(diff).getAllByRole('row').filter((row) => row.getAttribute('data-diff') === 'changed').length).toBeGreaterThan(0);
  });

  it('builds a condition and a route in the form, with problems beside the fields, and the YAML follows both ways', async () => {
    await putPolicy([]);
    const user = await openRouting();
    expect(screen.getByText(/No rules: every request takes the default route/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add a rule' }));

    await user.click(screen.getByRole('button', { name: 'Add a condition to rule rule-1' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Task type' }));
    const taskType = screen.getByRole('combobox', { name: 'Task type of rule rule-1' });
    // an empty condition is a problem beside its field, never a rule that silently matches everything
    expect(screen.getByText('Too small: expected array to have >=1 items')).toBeInTheDocument();
    await user.type(taskType, 'summarize{Enter}');

    await user.click(screen.getByRole('combobox', { name: 'Strategy of rule rule-1' }));
    await user.click(await screen.findByRole('option', { name: 'pinned: the listed models, in order' }));
    expect(await screen.findByText('a pinned route must list its models')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Save as revision/ })).toBeDisabled();
    await user.type(screen.getByRole('combobox', { name: 'Pinned models of rule rule-1' }), 'gemini-flash{Enter}');
    await waitFor(() => expect(screen.queryByText('a pinned route must list its models')).not.toBeInTheDocument());

    // a negative weight on the default route is shown beside its field before anything is sent
    const reasoning = screen.getByRole('textbox', { name: 'Weights: reasoning, the default route' });
    await user.type(reasoning, '-1');
    expect(await screen.findByText('weights must not be negative')).toBeInTheDocument();
    await user.clear(reasoning);
    await waitFor(() => expect(screen.queryByText('weights must not be negative')).not.toBeInTheDocument());

    await user.click(screen.getByRole('tab', { name: 'YAML' }));
    expect(yamlSpec().rules).toEqual([{ name: 'rule-1', priority: 100, when: { taskType: 'summarize' }, route: { strategy: 'pinned', models: ['gemini-flash'] } }]);

    // YAML → form
    typeYaml({ rules: [{ name: 'translations', priority: 100, when: { taskType: ['translate', 'localize'] }, route: { strategy: 'cheapest', maxPricePer1M: 5 } }], default: { strategy: 'fastest' } });
    await user.click(screen.getByRole('tab', { name: 'Rules' }));
    expect(ruleNames()).toEqual(['translations']);
    expect(screen.getByText(/When task type is translate or localize → cheapest first, at most \$5 per 1M tokens/)).toBeInTheDocument();

    // an unknown key does not fit the form: refused with its path, the form keeps its last good state
    await user.click(screen.getByRole('tab', { name: 'YAML' }));
    typeYaml({ rules: [{ name: 'translations', priority: 100, when: { taskType: 'translate', colour: 'blue' }, route: { strategy: 'cheapest' } }], default: { strategy: 'fastest' } });
    const problems = await screen.findByTestId('yaml-problems');
    expect(problems).toHaveTextContent(/spec\.rules\[0\]\.when: .*colour/);
    expect(screen.getByTestId('yaml-out-of-sync')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Save as revision/ })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: "Replace the YAML with the form's version" }));
    expect(yamlSpec().rules[0]).toMatchObject({ when: { taskType: ['translate', 'localize'] } });
    expect(screen.queryByTestId('yaml-problems')).not.toBeInTheDocument();
  });

  it('dry-runs a sample request with the unsaved policy and draws the decision, storing nothing', async () => {
    const revision = await putPolicy([rule('saved-rule', 10, 'review')]);
    const user = await openRouting();
    await user.click(screen.getByRole('tab', { name: 'YAML' }));
    typeYaml({
      rules: [
        { name: 'summaries', priority: 20, when: { taskType: 'summarize' }, route: { strategy: 'pinned', models: ['sim-fast', 'sim-draft'] } },
        rule('saved-rule', 10, 'review'),
      ],
      default: { strategy: 'capability' },
    });
    await user.click(screen.getByRole('tab', { name: 'Dry run' }));
    await user.type(screen.getByRole('textbox', { name: 'Task type' }), 'summarize');
    await user.click(screen.getByRole('radio', { name: 'as an admin key' }));
    await user.click(screen.getByRole('button', { name: 'Dry run with the edited policy' }));

    expect(await screen.findByTestId('dry-run-rule')).toHaveTextContent('Matched rule summaries (priority 20)');
    const rulesTried = within(screen.getByRole('list', { name: 'Rules, as tried' }));
    expect(rulesTried.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['matchedsummaries', 'not triedsaved-rule']);
    const chain = within(screen.getByRole('list', { name: 'Chain, in order' }));
    expect(chain.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['1. sim-fast']);
    const candidates = within(screen.getByRole('list', { name: 'Candidates' }));
    expect(candidates.getByRole('progressbar', { name: /^sim-fast score [\d.]+ of 100$/ })).toBeInTheDocument();
    const candidate = (id: string) => candidates.getAllByRole('listitem').find((item) => item.getAttribute('data-candidate') === id)!;
    expect(candidate('sim-fast')).toHaveTextContent(/in the chain, 1/);
    // pinned but a draft, for a request that does not name it: excluded, with the reason
    expect(candidate('sim-draft')).toHaveTextContent(/excluded.*draft/);
    // the policy in force, for the same request, has no rule for it
    expect(screen.getByTestId('dry-run-in-force')).toHaveTextContent('With the policy in force: no rule matched (default route)');

    const stored = await grove.admin.policies.get.query({ id: 'default' });
    expect(stored.status.revision).toBe(revision);
    expect(stored.spec.rules.map((entry) => entry.name)).toEqual(['saved-rule']);
  });

  it('shows a stale save as both versions and overwrites only when the operator chooses', async () => {
    const started = await putPolicy([rule('shared', 10)]);
    const user = await openRouting();
    await user.click(screen.getByRole('button', { name: 'Add a rule' }));
    // someone else saves first
    const theirs = await putPolicy([rule('shared', 10), rule('theirs-rule', 5)]);
    expect(theirs).toBe(started + 1);

    await user.click(screen.getByRole('button', { name: `Save as revision ${started + 1}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Someone else saved the policy first' });
    const diff = within(dialog).getByRole('table', { name: 'Their saved policy compared with your edit' });
    expect(within(diff).getByRole('columnheader', { name: `Theirs: revision ${theirs}` })).toBeInTheDocument();
    expect(diff).toHaveTextContent('theirs-rule');
    expect(diff).toHaveTextContent('rule-2');
    expect((await grove.admin.policies.get.query({ id: 'default' })).status.revision).toBe(theirs);

    // keep editing: nothing saved, the edit is still there
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(ruleNames()).toEqual(['shared', 'rule-2']);
    expect((await grove.admin.policies.get.query({ id: 'default' })).spec.rules.map((entry) => entry.name)).toEqual(['shared', 'theirs-rule']);

    await user.click(screen.getByRole('button', { name: `Save as revision ${started + 1}` }));
    const again = await screen.findByRole('dialog', { name: 'Someone else saved the policy first' });
    await user.click(within(again).getByRole('button', { name: 'Save mine over theirs' }));
    await screen.findByTestId('saved-result');
    const stored = await grove.admin.policies.get.query({ id: 'default' });
    expect(stored.status.revision).toBe(theirs + 1);
    expect(stored.spec.rules.map((entry) => entry.name)).toEqual(['shared', 'rule-2']);
  });

  it("shows the server's problems beside the fields they concern, and the policy in force stays", async () => {
    const draft = REGISTRY_FIXTURE.find((object) => object.metadata.id === 'sim-draft')!;
    await grove.admin.objects.applyAll.mutate({ objects: [{ ...draft, metadata: { id: 'short-lived', title: 'Short-lived draft' } }] });
    const revision = await putPolicy([rule('keep', 10)]);
    const user = await openRouting();
    await user.click(screen.getByRole('tab', { name: 'YAML' }));
    typeYaml({ rules: [rule('keep', 10), { name: 'to-short-lived', priority: 20, when: { taskType: 'x' }, route: { strategy: 'pinned', models: ['short-lived'] } }], default: { strategy: 'capability' } });
    await user.click(screen.getByRole('tab', { name: 'Rules' }));
    // the model goes away after the page read the registry: only the server can know
    await grove.admin.models.delete.mutate({ id: 'short-lived' });

    await user.click(screen.getByRole('button', { name: `Save as revision ${revision + 1}` }));
    expect(await screen.findByTestId('server-problems')).toHaveTextContent('spec.rules[0].route.models[0]: unknown model "short-lived"');
    await user.click(screen.getByRole('button', { name: 'Edit rule to-short-lived' }));
    const pinned = screen.getByRole('combobox', { name: 'Pinned models of rule to-short-lived' });
    expect(pinned).toHaveAccessibleDescription(/unknown model "short-lived"/);
    const stored = await grove.admin.policies.get.query({ id: 'default' });
    expect(stored.status.revision).toBe(revision);
    expect(stored.spec.rules.map((entry) => entry.name)).toEqual(['keep']);
  });

  it('compares two revisions of the policy and rolls back, after confirmation, as a new revision', async () => {
    await putPolicy([rule('first', 10)]);
    const latest = await putPolicy([rule('second', 10)]);
    const user = await openRouting();
    await user.click(screen.getByRole('tab', { name: 'History' }));
    const diff = await screen.findByRole('table', { name: `Revision ${latest - 1} compared with revision ${latest}` });
    const changed = within(diff).getAllByRole('row').filter((row) => row.getAttribute('data-diff') === 'changed');
    expect(changed.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent?.trim()))).toEqual([
      ['~', '- name: first', '- name: second'],
      ['~', 'taskType: first', 'taskType: second'],
    ]);
    await user.click(screen.getByRole('button', { name: `Roll back to revision ${latest - 1}` }));
    const dialog = await screen.findByRole('dialog', { name: `Roll back the default policy to revision ${latest - 1}?` });
    expect((await grove.admin.policies.get.query({ id: 'default' })).status.revision).toBe(latest);
    await user.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    await waitFor(async () => expect((await grove.admin.policies.get.query({ id: 'default' })).status.revision).toBe(latest + 1));
    expect((await grove.admin.policies.get.query({ id: 'default' })).spec.rules.map((entry) => entry.name)).toEqual(['first']);
    // the editor follows the policy in force, since nothing was edited
    await user.click(screen.getByRole('tab', { name: 'Rules' }));
    await waitFor(() => expect(ruleNames()).toEqual(['first']));
  });
});
