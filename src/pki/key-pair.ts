import {
  KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateNodeKeyPair,
  webcrypto,
} from 'node:crypto';
import { promisify } from 'node:util';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { ecdsaP256 } from './x509-runtime.js';

/** A PKCS#8 private key and its SPKI public key, both PEM. */
export type KeyPairPem = { privateKeyPem: string; publicKeyPem: string };

const generateEcKeyPair = promisify(generateNodeKeyPair);
const p256CurveName = 'prime256v1';

/** Generates an ECDSA P-256 key pair as PEM, directly usable as `key` by `node:tls`. */
export async function generateKeyPair(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateEcKeyPair('ec', {
    namedCurve: p256CurveName,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** PKCS#8 PEM of a webcrypto private key. */
export function privateKeyToPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Imports a P-256 private key PEM (PKCS#8 or SEC1) as a webcrypto signing key. */
export async function importSigningKey(pem: string, what: string): Promise<webcrypto.CryptoKey> {
  const key = parseKey(() => createPrivateKey(pem), what);
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, ecdsaP256, false, ['sign']);
}

/** Imports a P-256 public key PEM (SPKI) as a webcrypto verification key. */
export async function importPublicKey(pem: string, what: string): Promise<webcrypto.CryptoKey> {
  const key = parseKey(() => createPublicKey(pem), what);
  const der = key.export({ type: 'spki', format: 'der' });
  return webcrypto.subtle.importKey('spki', der, ecdsaP256, true, ['verify']);
}

function parseKey(parse: () => KeyObject, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = parse();
  } catch (cause) {
    throw new CausewayError(ErrorCode.InputInvalid, `${what} is not a readable PEM key`, { cause });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== p256CurveName) {
    throw new CausewayError(ErrorCode.InputInvalid, `${what} must be an ECDSA P-256 key`);
  }
  return key;
}
