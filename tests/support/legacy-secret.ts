import { createCipheriv, randomBytes } from 'node:crypto';

/** A value as the app stored it before key ids and associated data: `v1.<iv>.<tag>.<ciphertext>`. */
export function encryptLegacyV1(legacyKey: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', legacyKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}
