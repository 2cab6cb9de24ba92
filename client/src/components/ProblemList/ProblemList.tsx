import { Alert, List } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { Problem } from '../../wizard/draft';

/**
 * Every problem, each with its path (`spec.rules[0].route.models[0]`), so that none is dropped.
 * `alert`: announced at once (a step that was submitted); otherwise politely, as the operator types.
 */
export function ProblemList({ title, problems, testId, alert = false }: { title: string; problems: Problem[]; testId?: string; alert?: boolean }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} aria-hidden />} title={title} data-testid={testId} role={alert ? 'alert' : 'status'}>
      <List size="sm" spacing={4}>
        {problems.map((problem) => (
          <List.Item key={`${problem.path}:${problem.message}`}>
            {problem.path ? <code>{problem.path}</code> : 'The object'}: {problem.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
