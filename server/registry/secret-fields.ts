import type { Kind } from '../../shared/objects';
import type { Problem } from '../errors';
import type { EncryptedSecret, SecretBox } from '../secrets';

type StoredSecret = { env: string } | EncryptedSecret;

/**
 * Turns the secrets of an incoming spec into their stored form. A value equal to the one already
 * stored keeps its ciphertext, so applying the same file twice reports "unchanged".
 */
export function keepOrEncryptSecrets(kind: Kind, spec: Record<string, unknown>, existing: Record<string, unknown> | undefined, box: SecretBox): { spec: Record<string, unknown>; problems: Problem[] } {
  if (kind !== 'Model' || spec.apiKey === undefined) return { spec, problems: [] };
  const input = spec.apiKey as { env?: string; value?: string; set?: true };
  const stored = existing?.apiKey as StoredSecret | undefined;
  if (input.env !== undefined) return { spec, problems: [] };
  if (input.set) {
    if (stored && 'ciphertext' in stored) return { spec: { ...spec, apiKey: stored }, problems: [] };
    return { spec, problems: [{ path: 'spec.apiKey', message: 'no stored key to keep: give { value } or { env }' }] };
  }
  if (stored && 'ciphertext' in stored && safeDecrypt(box, stored) === input.value) return { spec: { ...spec, apiKey: stored }, problems: [] };
  return { spec: { ...spec, apiKey: box.encrypt(input.value!) }, problems: [] };
}

/** The spec as any endpoint returns it: secrets reduced to `set` and their last 4 characters. */
export function viewSpec(kind: Kind, spec: Record<string, unknown>): Record<string, unknown> {
  if (kind !== 'Model' || !spec.apiKey) return spec;
  const stored = spec.apiKey as StoredSecret;
  if ('env' in stored) return { ...spec, apiKey: { env: stored.env } };
  return { ...spec, apiKey: { set: true, last4: stored.last4 } };
}

export function resolveApiKey(spec: Record<string, unknown>, env: Record<string, string | undefined>, box: SecretBox): string | undefined {
  const stored = spec.apiKey as StoredSecret | undefined;
  if (!stored) return undefined;
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
