import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh token id: 16 random bytes as lowercase hex. */
export function newTokenId(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh token secret: 32 random bytes as unpadded base64url (43 characters). */
export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Lowercase hex SHA-256 of the secret text: the only form the issuer keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a presented secret against a stored hash. */
export function secretMatches(secret: string, storedHashHex: string): boolean {
  // Hashing first makes both sides 32 bytes, so the comparison leaks neither content nor length.
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
