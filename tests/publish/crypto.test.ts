import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { decryptSecret, encryptSecret, isEncryptedWithCurrentKey, keyIdOf, makeKeyring } from '../../src/crypto.ts';
import { AppError } from '../../src/errors.ts';
import { encryptLegacyV1 } from '../support/legacy-secret.ts';

const key = randomBytes(32);
const here = { teamId: 'T0ONE', row: 'publish_destinations:1' };

function failureOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('encryptSecret / decryptSecret', () => {
  test('round trip, including non-ASCII and the empty string', () => {
    for (const secret of ['whsec_abc123', 'pässwörd ✓ 🔑', '']) {
      expect(decryptSecret(key, encryptSecret(key, secret, here), here)).toBe(secret);
    }
  });

  test('the encoding is self-describing, names its key and never shows the plaintext', () => {
    const encoded = encryptSecret(key, 'super-secret-value', here);
    expect(encoded).toMatch(new RegExp(`^v2\\.${keyIdOf(key)}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`));
    expect(encoded).not.toContain('super-secret');
  });

  test('a fresh IV each time: the same secret encrypts differently', () => {
    const first = encryptSecret(key, 'same', here);
    const second = encryptSecret(key, 'same', here);
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  test('a changed ciphertext, tag or IV is detected', () => {
    const [version, keyId, iv, tag, ciphertext] = encryptSecret(key, 'tamper me', here).split('.') as [string, string, string, string, string];
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    for (const altered of [
      [version, keyId, iv, tag, flip(ciphertext)],
      [version, keyId, iv, flip(tag), ciphertext],
      [version, keyId, flip(iv), tag, ciphertext],
    ]) {
      const error = failureOf(() => decryptSecret(key, altered.join('.'), here));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'CONFIG' });
      expect((error as AppError).message).toContain('ENCRYPTION_KEY');
    }
  });

  test('a value moved to another row or workspace does not decrypt', () => {
    const encoded = encryptSecret(key, 'bound', here);
    expect(failureOf(() => decryptSecret(key, encoded, { ...here, row: 'publish_destinations:2' }))).toMatchObject({ code: 'CONFIG' });
    expect(failureOf(() => decryptSecret(key, encoded, { ...here, teamId: 'T0TWO' }))).toMatchObject({ code: 'CONFIG' });
  });

  test('another key cannot decrypt it, and the message names the missing key id', () => {
    const error = failureOf(() => decryptSecret(randomBytes(32), encryptSecret(key, 'mine', here), here));
    expect(error).toMatchObject({ code: 'CONFIG' });
    expect((error as Error).message).toContain(keyIdOf(key));
    expect((error as Error).message).toContain('ENCRYPTION_KEYS_OLD');
  });

  test('after a rotation, values of the old key still decrypt through ENCRYPTION_KEYS_OLD', () => {
    const next = randomBytes(32);
    const encoded = encryptSecret(key, 'before rotation', here);
    const ring = makeKeyring(next, [key]);
    expect(decryptSecret(ring, encoded, here)).toBe('before rotation');
    expect(isEncryptedWithCurrentKey(ring, encoded)).toBe(false);
    expect(isEncryptedWithCurrentKey(ring, encryptSecret(ring, 'after', here))).toBe(true);
  });

  test('values stored in the old v1 format still decrypt, under the current or an old key', () => {
    expect(decryptSecret(key, encryptLegacyV1(key, 'legacy'), here)).toBe('legacy');
    const next = randomBytes(32);
    expect(decryptSecret(makeKeyring(next, [key]), encryptLegacyV1(key, 'legacy, rotated'), here)).toBe('legacy, rotated');
    expect(isEncryptedWithCurrentKey(key, encryptLegacyV1(key, 'x'))).toBe(false);
  });

  test('garbage and unknown versions are refused as unreadable', () => {
    for (const encoded of ['', 'plain text', 'v2.a.b.c', 'v1.AAAA.BBBB.CCCC', 'v3.k.a.b.c']) {
      expect(failureOf(() => decryptSecret(key, encoded, here))).toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  test('a key of the wrong length is a configuration error', () => {
    expect(failureOf(() => encryptSecret(randomBytes(16), 'x', here))).toMatchObject({ code: 'CONFIG' });
  });
});
