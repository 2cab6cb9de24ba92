import type { Kind } from '../../shared/objects';
import type { Problem } from '../errors';
import type { EncryptedSecret, SecretBox } from '../secrets';

type StoredSecret = { env: string } | EncryptedSecret;
/** A secret as an operator gives it; a bare string (a webhook header) is a value. */
type SecretInput = string | { env?: string; value?: string; set?: true };

/**
 * Turns the secrets of an incoming spec into their stored form: a Model's `apiKey` and each value
 * of an AlertRule's `webhook.headers`. A value equal to the one already stored keeps its
 * ciphertext, so applying the same file twice reports "unchanged".
 */
export function keepOrEncryptSecrets(kind: Kind, spec: Record<string, unknown>, existing: Record<string, unknown> | undefined, box: SecretBox): { spec: Record<string, unknown>; problems: Problem[] } {
  if (kind === 'Model' && spec.apiKey !== undefined) {
    const kept = keepOrEncrypt(spec.apiKey as SecretInput, existing?.apiKey as StoredSecret | undefined, box);
    if (kept === undefined) return { spec, problems: [{ path: 'spec.apiKey', message: 'no stored key to keep: give { value } or { env }' }] };
    return { spec: { ...spec, apiKey: kept }, problems: [] };
  }
  const headers = webhookHeaders(kind, spec);
  if (!headers) return { spec, problems: [] };
  const storedHeaders = (existing?.webhook as { headers?: Record<string, StoredSecret> } | undefined)?.headers ?? {};
  const problems: Problem[] = [];
  const secured: Record<string, StoredSecret> = {};
  for (const [name, input] of Object.entries(headers as Record<string, SecretInput>)) {
    const kept = keepOrEncrypt(input, storedHeaders[name], box);
    if (kept === undefined) problems.push({ path: `spec.webhook.headers.${name}`, message: 'no stored value to keep: give the value, { value } or { env }' });
    else secured[name] = kept;
  }
  return { spec: { ...spec, webhook: { ...(spec.webhook as object), headers: secured } }, problems };
}

/** undefined: `{ set: true }` with nothing stored to keep */
function keepOrEncrypt(given: SecretInput, stored: StoredSecret | undefined, box: SecretBox): StoredSecret | undefined {
  const input = typeof given === 'string' ? { value: given } : given;
  if (input.env !== undefined) return { env: input.env };
  if (input.set) return stored && 'ciphertext' in stored ? stored : undefined;
  if (stored && 'ciphertext' in stored && safeDecrypt(box, stored) === input.value) return stored;
  return box.encrypt(input.value!);
}

/** The spec as any endpoint returns it: secrets reduced to `set` and their last 4 characters. */
export function viewSpec(kind: Kind, spec: Record<string, unknown>): Record<string, unknown> {
  if (kind === 'Model' && spec.apiKey) return { ...spec, apiKey: viewSecret(spec.apiKey as StoredSecret) };
  const headers = webhookHeaders(kind, spec);
  if (!headers) return spec;
  const views = Object.fromEntries(Object.entries(headers as Record<string, StoredSecret>).map(([name, stored]) => [name, viewSecret(stored)]));
  return { ...spec, webhook: { ...(spec.webhook as object), headers: views } };
}

function viewSecret(stored: StoredSecret): { env: string } | { set: true; last4: string } {
  return 'env' in stored ? { env: stored.env } : { set: true, last4: stored.last4 };
}

function webhookHeaders(kind: Kind, spec: Record<string, unknown>): Record<string, unknown> | undefined {
  if (kind !== 'AlertRule') return undefined;
  return (spec.webhook as { headers?: Record<string, unknown> } | undefined)?.headers;
}

export function resolveApiKey(spec: Record<string, unknown>, env: Record<string, string | undefined>, box: SecretBox): string | undefined {
  const stored = spec.apiKey as StoredSecret | undefined;
  return stored ? resolveSecret(stored, env, box) : undefined;
}

/**
 * An AlertRule's webhook headers as they are sent. A header whose environment variable is unset,
 * or whose value no longer decrypts (the secret key was rotated), is left out: the target's
 * answer (a 401, most likely) then says what is missing.
 */
export function resolveWebhookHeaders(spec: Record<string, unknown>, env: Record<string, string | undefined>, box: SecretBox): Record<string, string> {
  const headers = webhookHeaders('AlertRule', spec) as Record<string, StoredSecret> | undefined;
  const resolved: Record<string, string> = {};
  for (const [name, stored] of Object.entries(headers ?? {})) {
    const value = resolveSecret(stored, env, box);
    if (value !== undefined) resolved[name] = value;
  }
  return resolved;
}

function resolveSecret(stored: StoredSecret, env: Record<string, string | undefined>, box: SecretBox): string | undefined {
  if ('env' in stored) return env[stored.env] || undefined;
  return safeDecrypt(box, stored);
}

function safeDecrypt(box: SecretBox, secret: EncryptedSecret): string | undefined {
  try {
    return box.decrypt(secret);
  } catch {
    // A key rotated without re-entering the secrets: treat as "no key", which routing reports.
    return undefined;
  }
}
