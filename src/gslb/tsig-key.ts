import { CausewayError, ErrorCode } from '../errors/index.js';

/** TSIG algorithms offered (RFC 8945 §6): HMAC-SHA256 is the one every server supports today. */
export const TSIG_ALGORITHMS = {
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
} as const;
export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;

export interface TsigKey {
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/** Parses `[algorithm:]name:base64-secret`, the form of `dig -y` and `nsupdate -y`. */
export function parseTsigKey(text: string): TsigKey {
  const parts = text.trim().split(':');
  const bad = (why: string): CausewayError =>
    new CausewayError(ErrorCode.InputInvalid, `--tsig: ${why}`, {
      hint: "write [algorithm:]key-name:base64-secret, e.g. hmac-sha256:gslb-update:c2VjcmV0... (the key the parent zone's server was given)",
    });
  if (parts.length !== 2 && parts.length !== 3) throw bad('expected [algorithm:]name:secret');
  const [algorithm, name, secret] = parts.length === 3 ? parts : ['hmac-sha256', ...parts];
  if (!(algorithm! in TSIG_ALGORITHMS))
    throw bad(`algorithm "${algorithm}" is not one of ${Object.keys(TSIG_ALGORITHMS).join(', ')}`);
  const keyName = name!.replace(/\.$/, '').toLowerCase();
  if (
    !/^[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?)*$/.test(
      keyName,
    )
  )
    throw bad(`key name "${name}" is not a domain name`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret!) || secret!.length % 4 !== 0)
    throw bad('the secret is not base64');
  const bytes = Buffer.from(secret!, 'base64');
  if (bytes.length < 16)
    throw bad(
      `the secret is ${bytes.length} bytes; use at least 16 (RFC 8945 §6 wants the hash length)`,
    );
  return { name: keyName, algorithm: algorithm as TsigAlgorithm, secret: bytes };
}
