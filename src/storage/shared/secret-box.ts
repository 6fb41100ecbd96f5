/**
 * Secrets at rest. The stores keep three kinds of secret: each workspace's privacy secret (the key
 * of the IP and device-id hashes), the link-signing keys and the webhook signing secrets. Stored in
 * the clear, a copy of the database alone would undo the pseudonymisation (IPv4 hashes can be
 * reversed by trying every address) and let anyone sign links and webhook calls. So each is sealed
 * with AES-256-GCM under a key kept outside the database: `TESSERA_SECRETS_KEY`, or for the
 * embedded store a key file created beside the database file (`secrets.key`, mode 0600).
 *
 * A sealed value reads `tessera-sealed:v1:<key id>:` + base64url(nonce | tag | ciphertext). Values
 * stored before sealing existed, or under a previous key, are sealed (again) when a store opens
 * (seal-secrets.ts of each store).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const SEALED_PREFIX = 'tessera-sealed:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;

export interface SecretBox {
  /** Whether `seal` encrypts (a key is configured). Without one, values are stored as they are. */
  readonly sealing: boolean;
  seal(plain: string): string;
  /** The plain value of what `seal` stored, under the key or a previous one (or of a value stored before sealing). */
  open(stored: string): string;
  /** Whether a stored value should be sealed again: stored plain, or sealed under a previous key. */
  stale(stored: string): boolean;
}

export class SecretsKeyError extends Error {}

function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** A key's public id, stored with what it sealed (48 bits of a hash: it says which key, not the key). */
export function secretsKeyId(key: Buffer): string {
  return createHash('sha256').update('tessera secrets key id\0').update(key).digest('base64url').slice(0, 8);
}

/**
 * `key` seals and opens; `previous` keys only open, so that after a change of key the values
 * sealed under the old one still read, and the store seals them again under the new one at open.
 */
export function createSecretBox(key: Buffer | null, keySource: string, previous: readonly Buffer[] = []): SecretBox {
  for (const k of [...(key ? [key] : []), ...previous]) {
    if (k.length !== SECRETS_KEY_BYTES) throw new SecretsKeyError(`the secrets key (${keySource}) must be ${SECRETS_KEY_BYTES} bytes`);
  }
  const keys = new Map([...previous, ...(key ? [key] : [])].map((k) => [secretsKeyId(k), k]));
  const current = key ? `${SEALED_PREFIX}${secretsKeyId(key)}:` : null;
  return {
    sealing: key !== null,
    seal(plain) {
      if (!key) return plain;
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return current + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(stored) {
      if (!isSealed(stored)) return stored;
      const rest = stored.slice(SEALED_PREFIX.length);
      const id = rest.slice(0, rest.indexOf(':'));
      const sealedWith = keys.get(id);
      if (!sealedWith) {
        throw new SecretsKeyError(key
          ? `a secret in the database is sealed under the key ${id}, which is not the secrets key (${keySource}, key ${secretsKeyId(key)}) nor a previous one (TESSERA_SECRETS_KEY_PREVIOUS): configure the key it was sealed with`
          : `a secret in the database is sealed under the key ${id}, and no secrets key is configured: set TESSERA_SECRETS_KEY to the key it was sealed with`);
      }
      const raw = Buffer.from(rest.slice(id.length + 1), 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealedWith, raw.subarray(0, NONCE_BYTES));
        decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretsKeyError(`a secret in the database sealed under the key ${id} does not open: it was altered`);
      }
    },
    stale: (stored) => current !== null && !stored.startsWith(current),
  };
}

/** A key as configured: 32 bytes in base64, base64url or hex. */
export function parseSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64url') : null;
  return key?.length === SECRETS_KEY_BYTES ? key : null;
}

/** The embedded store's key file: read, or created with a new random key (only the owner may read it). */
export function loadOrCreateKeyFile(path: string): Buffer {
  try {
    writeFileSync(path, `${randomBytes(SECRETS_KEY_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = parseSecretsKey(readFileSync(path, 'utf8'));
  if (!key) throw new SecretsKeyError(`the secrets key file ${path} does not hold a ${SECRETS_KEY_BYTES}-byte key (base64 or hex)`);
  return key;
}

/** Where the stores keep secrets: table, the columns that identify a row, and the `secret` column. */
export const SECRET_COLUMNS: ReadonlyArray<{ table: string; key: readonly string[] }> = [
  { table: 'privacy_settings', key: ['workspace_id'] },
  { table: 'signing_keys', key: ['workspace_id', 'id'] },
  { table: 'webhooks', key: ['id'] },
];
