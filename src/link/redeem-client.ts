import { X509Certificate } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { siteIdentityOf } from '../pki/index.js';
import type { LinkToken } from '../token/index.js';
import { ALPN_REDEEM } from './alpn.js';
import { RedeemResponse, readMessage, sendMessage, type RedeemRequest } from './redeem-messages.js';

const REDEEM_TIMEOUT_MS = 10_000;

export type RedeemResult = Extract<RedeemResponse, { ok: true }> & {
  endpoint: { host: string; port: number };
};

/**
 * Redeems a token at the issuing site. We have no certificate the issuer trusts yet, so the
 * issuer is authenticated the other way round: its CA must match the fingerprint pinned in the token.
 */
export async function redeemToken(
  token: LinkToken,
  request: Omit<RedeemRequest, 'type' | 'id' | 'secret'>,
): Promise<RedeemResult> {
  const failures: string[] = [];
  for (const endpoint of token.endpoints) {
    let socket: TLSSocket;
    try {
      socket = await connectPinned(endpoint, token);
    } catch (err) {
      if (err instanceof CausewayError && err.code !== ErrorCode.Timeout) throw err;
      failures.push(`${endpoint.host}:${endpoint.port}: ${(err as Error).message}`);
      continue;
    }
    try {
      sendMessage(socket, { type: 'redeem', id: token.id, secret: token.secret, ...request });
      const response = await readMessage(socket, RedeemResponse, REDEEM_TIMEOUT_MS);
      if (!response.ok) {
        throw new CausewayError(
          response.code as ErrorCode,
          `site ${token.issuerSite} refused the token: ${response.message}`,
        );
      }
      return { ...response, endpoint };
    } finally {
      socket.destroy();
    }
  }
  throw new CausewayError(
    ErrorCode.LinkRedeemFailed,
    `could not reach site ${token.issuerSite}: ${failures.join('; ')}`,
    {
      hint: 'check that its router runs (`causeway site run`) and that this host can reach the address in the token',
    },
  );
}

function connectPinned(
  endpoint: { host: string; port: number },
  token: LinkToken,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      minVersion: 'TLSv1.3',
      ALPNProtocols: [ALPN_REDEEM],
      rejectUnauthorized: false, // verified against the pinned CA below
    });
    const timer = setTimeout(
      () => socket.destroy(new CausewayError(ErrorCode.Timeout, 'TLS handshake timed out')),
      REDEEM_TIMEOUT_MS,
    );
    socket.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        verifyIssuer(socket, token);
        resolve(socket);
      } catch (err) {
        socket.destroy();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

function verifyIssuer(socket: TLSSocket, token: LinkToken): void {
  const leafInfo = socket.getPeerCertificate(true);
  const caInfo = leafInfo.issuerCertificate;
  if (leafInfo.raw === undefined || caInfo === undefined || caInfo.raw === undefined) {
    throw new CausewayError(
      ErrorCode.TokenOtherClusterset,
      'the site at the token address sent no CA certificate',
    );
  }
  const ca = new X509Certificate(caInfo.raw);
  const leaf = new X509Certificate(leafInfo.raw);
  const fingerprint = ca.fingerprint256.replaceAll(':', '').toLowerCase();
  if (fingerprint !== token.caFingerprint || !leaf.verify(ca.publicKey)) {
    throw new CausewayError(
      ErrorCode.TokenOtherClusterset,
      `the site at the token address does not belong to clusterset ${token.trustDomain}`,
      {
        hint: 'the token was issued by a different clusterset, or something else listens at that address',
      },
    );
  }
  const id = siteIdentityOf(leaf, token.trustDomain);
  if (id !== token.issuerSite) {
    throw new CausewayError(
      ErrorCode.TokenPeerMismatch,
      `the token names site ${token.issuerSite} but ${id} answered`,
    );
  }
}
