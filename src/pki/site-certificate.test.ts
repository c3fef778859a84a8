import * as assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { hasCode } from '../errors/index.js';
import {
  certificateFingerprint,
  createClustersetCa,
  generateKeyPair,
  issueSiteCertificate,
  siteIdentityOf,
  verifyIssuedBy,
  type ClustersetCa,
} from './index.js';

const trustDomain = 'prod.example';
const dayMs = 86_400_000;

async function issue(
  ca: ClustersetCa,
  siteId: string,
  extra: { trustDomain?: string; notBefore?: Date; notAfter?: Date } = {},
) {
  const keys = await generateKeyPair();
  return issueSiteCertificate({
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    trustDomain,
    siteId,
    publicKeyPem: keys.publicKeyPem,
    ...extra,
  });
}

describe('generateKeyPair', () => {
  it('makes PKCS#8 / SPKI P-256 PEM keys', async () => {
    const { privateKeyPem, publicKeyPem } = await generateKeyPair();
    assert.match(privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(createPrivateKey(privateKeyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });
});

describe('createClustersetCa', () => {
  it('makes a self-signed CA bound to the trust domain', async () => {
    const ca = await createClustersetCa({ trustDomain, validDays: 10 });
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, `CN=Causeway clusterset CA ${trustDomain}`);
    assert.equal(cert.issuer, cert.subject);
    assert.equal(cert.subjectAltName, `URI:spiffe://${trustDomain}`);
    assert.equal(cert.verify(cert.publicKey), true);
    assert.ok(Date.parse(cert.validTo) - Date.now() < 11 * dayMs);
    assert.ok(cert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  });

  it('rejects a trust domain that cannot be a SPIFFE host', async () => {
    await assert.rejects(createClustersetCa({ trustDomain: 'Bad/Domain' }), (e) =>
      hasCode(e, 'CW_INPUT_INVALID'),
    );
  });
});

describe('issueSiteCertificate', () => {
  let ca: ClustersetCa;
  before(async () => {
    ca = await createClustersetCa({ trustDomain });
  });

  it('issues a leaf for server and client auth naming the site', async () => {
    const cert = new X509Certificate(await issue(ca, 'eu-1'));
    assert.equal(cert.ca, false);
    assert.equal(cert.subject, 'CN=eu-1');
    assert.equal(cert.issuer, new X509Certificate(ca.certPem).subject);
    assert.equal(cert.subjectAltName, `URI:spiffe://${trustDomain}/site/eu-1, DNS:eu-1`);
    assert.deepEqual([...(cert.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.equal(cert.serialNumber.length, 32);
    assert.equal(cert.checkHost('eu-1'), 'eu-1');
  });

  it('gives every certificate a different serial', async () => {
    const a = new X509Certificate(await issue(ca, 'a'));
    const b = new X509Certificate(await issue(ca, 'a'));
    assert.notEqual(a.serialNumber, b.serialNumber);
  });

  it('refuses an invalid site id or a non-P-256 key', async () => {
    await assert.rejects(issue(ca, 'Not_A_Site'), (e) => hasCode(e, 'CW_INPUT_INVALID'));
    const notAKey = {
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      trustDomain,
      siteId: 'a',
      publicKeyPem: 'nope',
    };
    await assert.rejects(issueSiteCertificate(notAKey), (e) => hasCode(e, 'CW_INPUT_INVALID'));
  });
});

describe('siteIdentityOf', () => {
  let ca: ClustersetCa;
  before(async () => {
    ca = await createClustersetCa({ trustDomain });
  });

  it('reads the site id from PEM, DER and X509Certificate', async () => {
    const pem = await issue(ca, 'us.east-2');
    const cert = new X509Certificate(pem);
    assert.equal(siteIdentityOf(pem, trustDomain), 'us.east-2');
    assert.equal(siteIdentityOf(cert, trustDomain), 'us.east-2');
    assert.equal(siteIdentityOf(cert.raw, trustDomain), 'us.east-2');
  });

  it('refuses a certificate from another trust domain, the CA itself and garbage', async () => {
    const foreign = await issue(ca, 'eu', { trustDomain: 'other.example' });
    for (const input of [foreign, ca.certPem, 'not a certificate', new Uint8Array([1, 2, 3])]) {
      assert.throws(
        () => siteIdentityOf(input, trustDomain),
        (e) => hasCode(e, 'CW_PEER_IDENTITY'),
      );
    }
  });

  it('does not let a trust domain that is a prefix of another match', async () => {
    const pem = await issue(ca, 'eu', { trustDomain: 'prod.example.evil' });
    assert.throws(
      () => siteIdentityOf(pem, trustDomain),
      (e) => hasCode(e, 'CW_PEER_IDENTITY'),
    );
  });
});

describe('certificateFingerprint and verifyIssuedBy', () => {
  it('fingerprints the DER as lowercase hex SHA-256', async () => {
    const ca = await createClustersetCa({ trustDomain });
    const expected = new X509Certificate(ca.certPem).fingerprint256
      .replaceAll(':', '')
      .toLowerCase();
    assert.equal(certificateFingerprint(ca.certPem), expected);
    assert.match(certificateFingerprint(ca.certPem), /^[0-9a-f]{64}$/);
  });

  it('accepts a current leaf of the CA only', async () => {
    const ca = await createClustersetCa({ trustDomain });
    const other = await createClustersetCa({ trustDomain });
    const leaf = await issue(ca, 'a');
    assert.equal(verifyIssuedBy(leaf, ca.certPem), true);
    assert.equal(verifyIssuedBy(leaf, other.certPem), false);
    assert.equal(verifyIssuedBy(leaf, leaf), false);
    assert.equal(verifyIssuedBy('garbage', ca.certPem), false);
    const expired = await issue(ca, 'a', {
      notBefore: new Date(Date.now() - 2 * dayMs),
      notAfter: new Date(Date.now() - dayMs),
    });
    assert.equal(verifyIssuedBy(expired, ca.certPem), false);
    const future = await issue(ca, 'a', {
      notBefore: new Date(Date.now() + dayMs),
      notAfter: new Date(Date.now() + 2 * dayMs),
    });
    assert.equal(verifyIssuedBy(future, ca.certPem), false);
  });
});
