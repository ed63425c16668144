import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from './errors.ts';

const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** ENCRYPTION_KEY encrypts; ENCRYPTION_KEYS_OLD only decrypt, until `npm run secrets:reencrypt` has run. */
export type Keyring = { current: Buffer; old: readonly Buffer[] };
/** A bare key is a keyring without old keys. */
export type EncryptionKeys = Keyring | Buffer;

/**
 * Where a value is stored: its workspace and its row. It is bound to the ciphertext as AES-GCM
 * associated data, so a value copied to another workspace or row does not decrypt.
 */
export type SecretContext = { teamId: string; row: string };

const UNREADABLE = 'A stored secret is not in a format this app can read; enter it again in the App Home.';

export function makeKeyring(current: Buffer, old: readonly Buffer[] = []): Keyring {
  for (const key of [current, ...old]) assertKey(key);
  return { current, old };
}

/** A short public name of a key (the start of its SHA-256), stored with each value it encrypted. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function toKeyring(keys: EncryptionKeys): Keyring {
  return Buffer.isBuffer(keys) ? makeKeyring(keys) : keys;
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new AppError('CONFIG', `ENCRYPTION_KEY must be ${KEY_BYTES} bytes (base64 or hex); this one is ${key.length}.`);
  }
}

function associatedData(context: SecretContext): Buffer {
  return Buffer.from(`content-broadcaster:${context.teamId}:${context.row}`, 'utf8');
}

/**
 * Encrypts a secret for storage with AES-256-GCM under the current key, bound to its context.
 * The result is self-describing, `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url), with a fresh IV.
 */
export function encryptSecret(keys: EncryptionKeys, plaintext: string, context: SecretContext): string {
  const { current } = toKeyring(keys);
  assertKey(current);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, current, iv);
  cipher.setAAD(associatedData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keyIdOf(current), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/**
 * Decrypts what `encryptSecret` made, with whichever key of the ring made it, and values of the
 * older `v1` format (no key id, no context). Throws AppError when it was altered, moved to
 * another row or workspace, or made with a key the ring does not hold.
 */
export function decryptSecret(keys: EncryptionKeys, encoded: string, context: SecretContext): string {
  const ring = toKeyring(keys);
  const parsed = parseEncoded(encoded);
  const candidates = parsed.keyId === undefined ? [ring.current, ...ring.old] : [ring.current, ...ring.old].filter((key) => keyIdOf(key) === parsed.keyId);
  if (candidates.length === 0) {
    throw new AppError(
      'CONFIG',
      `A stored secret was encrypted with a key this app no longer has (key id ${parsed.keyId}): add that key to ENCRYPTION_KEYS_OLD, or enter the secret again in the App Home.`,
    );
  }
  let failure: unknown;
  for (const key of candidates) {
    try {
      const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
      if (parsed.keyId !== undefined) decipher.setAAD(associatedData(context));
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      failure = error;
    }
  }
  // GCM cannot tell a changed ciphertext from a changed key or context; all fail authentication.
  throw new AppError(
    'CONFIG',
    'A stored secret could not be decrypted: ENCRYPTION_KEY changed since it was saved (put the old key in ENCRYPTION_KEYS_OLD), or the value was altered or moved; enter the secret again in the App Home.',
    { cause: failure },
  );
}

/** True when the value is already in the current format under the current key. */
export function isEncryptedWithCurrentKey(keys: EncryptionKeys, encoded: string): boolean {
  const [version, keyId] = encoded.split('.');
  return version === VERSION && keyId === keyIdOf(toKeyring(keys).current);
}

function parseEncoded(encoded: string): { keyId: string | undefined; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const parts = encoded.split('.');
  const [version] = parts;
  const fields =
    version === VERSION && parts.length === 5
      ? { keyId: parts[1], rest: parts.slice(2) }
      : version === LEGACY_VERSION && parts.length === 4
        ? { keyId: undefined, rest: parts.slice(1) }
        : undefined;
  const [ivText, tagText, ciphertextText] = fields?.rest ?? [];
  if (!fields || ivText === undefined || tagText === undefined || ciphertextText === undefined || fields.keyId === '') {
    throw new AppError('INVALID_INPUT', UNREADABLE);
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new AppError('INVALID_INPUT', UNREADABLE);
  return { keyId: fields.keyId, iv, tag, ciphertext: Buffer.from(ciphertextText, 'base64url') };
}
