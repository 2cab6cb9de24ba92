import { headerNameProblem, type AlertRuleSpec, type WebhookInput } from '../../../shared/alerts';
import { secretInputSchema } from '../../../shared/objects';

/** One row of the webhook headers editor. */
export interface HeaderDraft {
  /** stays the same while the name is edited: React's key, and where the row's problems go */
  key: number;
  name: string;
  /** a literal value (stored encrypted) or the name of a variable in the server's environment */
  source: 'value' | 'env';
  /** the value typed; on a stored header, empty keeps the stored one */
  value: string;
  env: string;
  /** the encrypted value the server holds for this row, under the name it was read with */
  stored: { name: string; last4: string } | null;
}

export type HeaderProblems = Record<number, { name?: string; value?: string }>;

export const newHeader = (rows: HeaderDraft[]): HeaderDraft => ({ key: Math.max(0, ...rows.map((row) => row.key)) + 1, name: '', source: 'value', value: '', env: '', stored: null });

/**
 * The rows of a stored rule's headers, as the server shows them: values never, only their last 4
 * characters. By name: the order they were given in is not kept (PostgreSQL's jsonb has its own).
 */
export function headersOf(headers: NonNullable<AlertRuleSpec['webhook']>['headers']): HeaderDraft[] {
  const byName = Object.entries(headers ?? {}).sort(([a], [b]) => a.localeCompare(b, 'en'));
  return byName.map(([name, view], index) =>
    'env' in view ? { key: index + 1, name, source: 'env', value: '', env: view.env, stored: null } : { key: index + 1, name, source: 'value', value: '', env: '', stored: { name, last4: view.last4 } },
  );
}

/** A row left empty that keeps the value the server stores under the same name. */
export const keepsStored = (row: HeaderDraft): boolean => row.source === 'value' && row.value === '' && row.stored?.name === row.name.trim();

/**
 * The headers as alerts.put and alerts.testWebhook take them. A kept value is `{ set: true }`,
 * which the server resolves by name to what it stores: the redacted view is never sent back as
 * if it were the value, and an environment variable goes back as its name.
 */
export function headerInputs(rows: HeaderDraft[]): WebhookInput['headers'] {
  if (rows.length === 0) return undefined;
  return Object.fromEntries(rows.map((row) => [row.name.trim(), row.source === 'env' ? { env: row.env.trim() } : keepsStored(row) ? { set: true as const } : { value: row.value }]));
}

/** What the form can tell of each row before asking the server. */
export function checkHeaders(rows: HeaderDraft[]): HeaderProblems {
  const problems: HeaderProblems = {};
  const add = (row: HeaderDraft, part: 'name' | 'value', message: string) => (problems[row.key] = { ...problems[row.key], [part]: problems[row.key]?.[part] ?? message });
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '') add(row, 'name', 'Give the header a name');
    else if (headerNameProblem(name)) add(row, 'name', headerNameProblem(name)!);
    // header names are case-insensitive: two rows would be one header
    else if (seen.has(name.toLowerCase())) add(row, 'name', 'Another header has this name');
    seen.add(name.toLowerCase());

    if (row.source === 'env') {
      const env = secretInputSchema.safeParse({ env: row.env.trim() });
      if (row.env.trim() === '') add(row, 'value', 'Give the variable’s name');
      else if (!env.success) add(row, 'value', env.error.issues[0]?.message ?? 'not a variable name');
    } else if (row.value === '' && !keepsStored(row)) {
      add(row, 'value', row.stored ? `The stored value belongs to “${row.stored.name}”: give the value for the new name` : 'Give a value');
    }
  }
  return problems;
}

/**
 * The row a problem of the server (or of the shared schema) concerns, from its path after
 * `webhook.headers.` (a header name may hold dots, so the row's name is matched whole), and
 * whether it is about the name or the value.
 */
export function rowOfProblem(rows: HeaderDraft[], rest: string, message: string): { key: number; part: 'name' | 'value' } | null {
  const row = rows.find((candidate) => rest === candidate.name.trim()) ?? rows.find((candidate) => rest.startsWith(`${candidate.name.trim()}.`));
  if (!row) return null;
  // `Name.value` or `Name.env` is the value's; a problem of `Name` itself is the name's when the name check says so
  const onName = rest === row.name.trim() && headerNameProblem(row.name.trim()) === message;
  return { key: row.key, part: onName ? 'name' : 'value' };
}
