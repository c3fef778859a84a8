import { randomBytes } from 'node:crypto';

/**
 * A random 16-byte certificate serial as hex. The top bit is cleared so the DER integer stays
 * positive (RFC 5280 §4.1.2.2) and one low bit of the first byte is set so it never shrinks
 * to 15 bytes.
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}
