// @peculiar/x509 resolves its algorithms through tsyringe, which refuses to load without a
// Reflect metadata polyfill; ESM evaluates imports in order, so this must come first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// Node's webcrypto is the only provider we use; set it once, before any certificate work.
// The cast bridges @types/node's webcrypto typing and the DOM lib's Crypto, which differ only
// in overload lists (Ed25519), not at runtime.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };

/** ECDSA over P-256 with SHA-256: the only key and signature algorithm Causeway issues. */
export const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
