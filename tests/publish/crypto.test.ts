import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { decryptSecret, encryptSecret } from '../../src/crypto.ts';
import { AppError } from '../../src/errors.ts';

const key = randomBytes(32);

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
      expect(decryptSecret(key, encryptSecret(key, secret))).toBe(secret);
    }
  });

  test('the encoding is self-describing and never shows the plaintext', () => {
    const encoded = encryptSecret(key, 'super-secret-value');
    expect(encoded).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(encoded).not.toContain('super-secret');
  });

  test('a fresh IV each time: the same secret encrypts differently', () => {
    const first = encryptSecret(key, 'same');
    const second = encryptSecret(key, 'same');
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
  });

  test('a changed ciphertext, tag or IV is detected', () => {
    const [version, iv, tag, ciphertext] = encryptSecret(key, 'tamper me').split('.') as [string, string, string, string];
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    for (const altered of [
      [version, iv, tag, flip(ciphertext)],
      [version, iv, flip(tag), ciphertext],
      [version, flip(iv), tag, ciphertext],
    ]) {
      const error = failureOf(() => decryptSecret(key, altered.join('.')));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'CONFIG' });
      expect((error as AppError).message).toContain('ENCRYPTION_KEY');
    }
  });

  test('another key cannot decrypt it', () => {
    const error = failureOf(() => decryptSecret(randomBytes(32), encryptSecret(key, 'mine')));
    expect(error).toMatchObject({ code: 'CONFIG' });
  });

  test('garbage and unknown versions are refused as unreadable', () => {
    for (const encoded of ['', 'plain text', 'v2.a.b.c', 'v1.AAAA.BBBB.CCCC']) {
      expect(failureOf(() => decryptSecret(key, encoded))).toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  test('a key of the wrong length is a configuration error', () => {
    expect(failureOf(() => encryptSecret(randomBytes(16), 'x'))).toMatchObject({ code: 'CONFIG' });
  });
});
