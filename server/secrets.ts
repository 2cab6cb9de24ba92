import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder } from '../db/private-folder';

/** What a secret given as a value looks like at rest. */
export interface EncryptedSecret {
  ciphertext: string;
  last4: string;
}

export interface SecretBox {
  encrypt(plaintext: string): EncryptedSecret;
  decrypt(secret: EncryptedSecret): string;
}

/** AES-256-GCM; the stored form is base64(iv | tag | ciphertext). */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), last4: plaintext.slice(-4) };
    },
    decrypt(secret) {
      const raw = Buffer.from(secret.ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The key comes from GROVE_SECRET_KEY (any string of 16+ characters, stretched with SHA-256), or is
 * generated once into the data folder, so an embedded install encrypts without any setup.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return createHash('sha256').update(configured).digest();
  const path = join(dataDir, 'secret.key');
  makePrivateFolder(dataDir);
  if (existsSync(path)) {
    // a key file written by an older version may be readable by others
    chmodSync(path, 0o600);
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  }
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}
