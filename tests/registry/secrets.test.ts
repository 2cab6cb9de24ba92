import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepOrEncryptSecrets, resolveApiKey, viewSpec } from '../../server/registry/secret-fields';
import { createSecretBox, loadSecretKey } from '../../server/secrets';

const box = createSecretBox(loadSecretKey('a-configured-secret-key', '/nonexistent'));
const otherBox = createSecretBox(loadSecretKey('another-configured-key', '/nonexistent'));

describe('secret box', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const first = box.encrypt('sk-plaintext-1234');
    const second = box.encrypt('sk-plaintext-1234');
    expect(first.last4).toBe('1234');
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.ciphertext).not.toContain('plaintext');
    expect(box.decrypt(first)).toBe('sk-plaintext-1234');
  });

  it('refuses a tampered ciphertext and a wrong key', () => {
    const secret = box.encrypt('sk-plaintext-1234');
    const raw = Buffer.from(secret.ciphertext, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.decrypt({ ...secret, ciphertext: raw.toString('base64') })).toThrow();
    expect(() => otherBox.decrypt(secret)).toThrow();
  });

  it('wants a 32-byte key', () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow('32 bytes');
  });

  describe('key file', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'grove-secret-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('is generated once into the data folder, readable only by its owner, and reused', () => {
      const folder = join(dataDir, 'nested');
      const key = loadSecretKey(undefined, folder);
      expect(key).toHaveLength(32);
      const path = join(folder, 'secret.key');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toEqual(key);
      expect(loadSecretKey(undefined, folder)).toEqual(key);
    });

    it('is not written when GROVE_SECRET_KEY is configured', () => {
      const folder = join(dataDir, 'configured');
      expect(loadSecretKey('a-configured-secret-key', folder)).toEqual(loadSecretKey('a-configured-secret-key', folder));
      expect(() => statSync(folder)).toThrow();
    });
  });
});

describe('secret fields', () => {
  const spec = (apiKey?: unknown) => ({ provider: 'simulated', ...(apiKey === undefined ? {} : { apiKey }) });

  it('encrypts a value, keeps an env reference, leaves other kinds alone', () => {
    const encrypted = keepOrEncryptSecrets('Model', spec({ value: 'sk-abcd' }), undefined, box);
    expect(encrypted.problems).toEqual([]);
    expect(encrypted.spec.apiKey).toMatchObject({ last4: 'abcd', ciphertext: expect.any(String) });
    expect(keepOrEncryptSecrets('Model', spec({ env: 'KEY' }), undefined, box).spec.apiKey).toEqual({ env: 'KEY' });
    expect(keepOrEncryptSecrets('Model', spec(), undefined, box).spec).toEqual(spec());
    const capability = { description: 'x', apiKey: { value: 'not a secret field here' } };
    expect(keepOrEncryptSecrets('Capability', capability, undefined, box).spec).toBe(capability);
  });

  it('keeps the stored ciphertext for { set: true } and for the same value, replaces it for a new one', () => {
    const stored = spec(box.encrypt('sk-stored-9999'));
    expect(keepOrEncryptSecrets('Model', spec({ set: true }), stored, box).spec.apiKey).toBe(stored.apiKey);
    expect(keepOrEncryptSecrets('Model', spec({ value: 'sk-stored-9999' }), stored, box).spec.apiKey).toBe(stored.apiKey);
    const replaced = keepOrEncryptSecrets('Model', spec({ value: 'sk-new-0000' }), stored, box).spec.apiKey as { ciphertext: string };
    expect(box.decrypt({ ciphertext: replaced.ciphertext, last4: '' })).toBe('sk-new-0000');
  });

  it('has nothing to keep when the stored key is an env reference or absent', () => {
    for (const stored of [undefined, spec({ env: 'KEY' }), spec()]) {
      expect(keepOrEncryptSecrets('Model', spec({ set: true }), stored, box).problems).toEqual([{ path: 'spec.apiKey', message: expect.stringMatching(/no stored key/) }]);
    }
  });

  it('re-encrypts a value stored under a key that no longer decrypts it', () => {
    const stored = spec(otherBox.encrypt('sk-same-value'));
    const result = keepOrEncryptSecrets('Model', spec({ value: 'sk-same-value' }), stored, box).spec.apiKey as { ciphertext: string; last4: string };
    expect(result).not.toBe(stored.apiKey);
    expect(box.decrypt(result)).toBe('sk-same-value');
  });

  it('shows only env names and last 4 characters', () => {
    expect(viewSpec('Model', spec(box.encrypt('sk-view-5678')))).toEqual(spec({ set: true, last4: '5678' }));
    expect(viewSpec('Model', spec({ env: 'KEY' }))).toEqual(spec({ env: 'KEY' }));
    expect(viewSpec('Model', spec())).toEqual(spec());
  });

  it('resolves the key from the environment or by decrypting, or not at all', () => {
    expect(resolveApiKey(spec({ env: 'KEY' }), { KEY: 'from-env' }, box)).toBe('from-env');
    expect(resolveApiKey(spec({ env: 'KEY' }), { KEY: '' }, box)).toBeUndefined();
    expect(resolveApiKey(spec({ env: 'KEY' }), {}, box)).toBeUndefined();
    expect(resolveApiKey(spec(box.encrypt('sk-decrypted')), {}, box)).toBe('sk-decrypted');
    expect(resolveApiKey(spec(otherBox.encrypt('sk-lost')), {}, box)).toBeUndefined();
    expect(resolveApiKey(spec(), {}, box)).toBeUndefined();
  });
});
