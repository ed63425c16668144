import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from './errors.ts';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new AppError('CONFIG', `ENCRYPTION_KEY must be ${KEY_BYTES} bytes (base64 or hex); this one is ${key.length}.`);
  }
}

/**
 * Encrypts a secret for storage with AES-256-GCM. The result is self-describing,
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so the format can change later without guessing.
 * A fresh random IV is used every time.
 */
export function encryptSecret(key: Buffer, plaintext: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Decrypts what `encryptSecret` made; throws AppError when it was altered or made with another key. */
export function decryptSecret(key: Buffer, encoded: string): string {
  assertKey(key);
  const parts = encoded.split('.');
  const [version, ivText, tagText, ciphertextText] = parts;
  if (parts.length !== 4 || version !== VERSION || ivText === undefined || tagText === undefined || ciphertextText === undefined) {
    throw new AppError('INVALID_INPUT', 'A stored secret is not in a format this app can read; enter it again in the App Home.');
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new AppError('INVALID_INPUT', 'A stored secret is not in a format this app can read; enter it again in the App Home.');
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    // GCM cannot tell a changed ciphertext from a changed key; both fail authentication.
    throw new AppError(
      'CONFIG',
      'A stored secret could not be decrypted: ENCRYPTION_KEY changed since it was saved, or the value was altered; enter the secret again in the App Home.',
      { cause: error },
    );
  }
}
