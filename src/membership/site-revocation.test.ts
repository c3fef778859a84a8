import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import {
  createClustersetCa,
  generateKeyPair,
  issueAdminCertificate,
  issueSiteCertificate,
} from '../pki/index.js';
import {
  decodeRevocation,
  encodeRevocation,
  isRevocationPayload,
  signRevocation,
  verifyRevocation,
  type SiteRevocation,
} from './site-revocation.js';

const trustDomain = 'prod.example';
const codeOf = (err: unknown): string | undefined =>
  err instanceof CausewayError ? err.code : undefined;

describe('site revocations', () => {
  let ca: { certPem: string; keyPem: string };
  let otherCa: { certPem: string; keyPem: string };
  let admin: { keyPem: string; adminCertificate: string };
  let siteKey: { keyPem: string; adminCertificate: string };
  const trust = (): { caPem: string; trustDomain: string } => ({ caPem: ca.certPem, trustDomain });

  before(async () => {
    ca = await createClustersetCa({ trustDomain });
    otherCa = await createClustersetCa({ trustDomain });
    const adminKeys = await generateKeyPair();
    admin = {
      keyPem: adminKeys.privateKeyPem,
      adminCertificate: await issueAdminCertificate({
        ...{ caCertPem: ca.certPem, caKeyPem: ca.keyPem, trustDomain, name: 'ops' },
        publicKeyPem: adminKeys.publicKeyPem,
      }),
    };
    // A site's own certificate passed off as an admin's: issued by the CA, but names a site.
    const siteKeys = await generateKeyPair();
    siteKey = {
      keyPem: siteKeys.privateKeyPem,
      adminCertificate: await issueSiteCertificate({
        ...{ caCertPem: ca.certPem, caKeyPem: ca.keyPem, trustDomain, siteId: 'beta' },
        publicKeyPem: siteKeys.publicKeyPem,
      }),
    };
  });

  it('accepts one signed by the CA key or an admin key, and says which', () => {
    const byCa = signRevocation('beta', 'lost host', trustDomain, { keyPem: ca.keyPem }, 1_000);
    assert.equal(verifyRevocation(byCa, trust()), 'ca');
    const byAdmin = signRevocation('beta', '', trustDomain, admin, 1_000);
    assert.equal(verifyRevocation(byAdmin, trust()), 'admin/ops');
  });

  it('refuses a site key, another CA, another trust domain and any edited field', () => {
    const refused = (r: SiteRevocation, t = trust()): void =>
      assert.throws(
        () => verifyRevocation(r, t),
        (err) => codeOf(err) === 'CW_CONTROL_SIGNATURE',
      );
    refused(signRevocation('gamma', '', trustDomain, siteKey, 1));
    refused(signRevocation('gamma', '', trustDomain, { keyPem: otherCa.keyPem }, 1));
    const good = signRevocation('gamma', 'why', trustDomain, { keyPem: ca.keyPem }, 1);
    refused(good, { caPem: ca.certPem, trustDomain: 'other.example' });
    refused({ ...good, site: 'alpha' });
    refused({ ...good, revokedAt: 2 });
    refused({ ...good, reason: 'other' });
    refused({ ...good, authority: { ...good.authority, signature: 'AAAA' } });
    // The CA's signature presented as an admin's, without a certificate.
    refused({ ...good, authority: { signer: 'admin', signature: good.authority.signature } });
  });

  it('refuses an admin certificate that is not current', () => {
    const byAdmin = signRevocation('beta', '', trustDomain, admin, 1_000);
    assert.throws(
      () => verifyRevocation(byAdmin, trust(), new Date(Date.now() + 400 * 86_400_000)),
      (err) => codeOf(err) === 'CW_CONTROL_SIGNATURE',
    );
  });

  it('round-trips through the wire form, which is told apart from adverts by its first bytes', () => {
    const r = signRevocation('beta', 'x', trustDomain, { keyPem: ca.keyPem }, 5);
    const payload = encodeRevocation(r);
    assert.ok(isRevocationPayload(payload));
    assert.ok(!isRevocationPayload(Buffer.from('{"type":"site","origin":"a"}')));
    assert.deepEqual(decodeRevocation(payload), r);
  });

  it('decodes hostile payloads to a revocation or a CW_FRAME_MALFORMED, never anything else', () => {
    const valid = signRevocation('beta', 'x', trustDomain, { keyPem: ca.keyPem }, 5);
    const mutated = fc.record({
      key: fc.constantFrom('type', 'site', 'revokedAt', 'reason', 'authority', 'extra'),
      value: fc.jsonValue(),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
          mutated.map(({ key, value }) => Buffer.from(JSON.stringify({ ...valid, [key]: value }))),
          fc.string().map((s) => Buffer.from(`{"type":"revocation"${s}`)),
        ),
        (payload) => {
          try {
            const decoded = decodeRevocation(payload);
            assert.equal(decoded.type, 'revocation');
            assert.equal(typeof decoded.site, 'string');
          } catch (err) {
            assert.equal(codeOf(err), 'CW_FRAME_MALFORMED');
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('verifies hostile but well-formed revocations to a signer or CW_CONTROL_SIGNATURE', () => {
    fc.assert(
      fc.property(
        fc.record({
          site: fc.string({ minLength: 1, maxLength: 40 }),
          revokedAt: fc.nat(),
          reason: fc.string({ maxLength: 40 }),
          signer: fc.constantFrom('ca' as const, 'admin' as const),
          certificate: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
          signature: fc.base64String({ maxLength: 200 }),
        }),
        ({ signer, certificate, signature, ...body }) => {
          const r: SiteRevocation = {
            type: 'revocation',
            ...body,
            authority: { signer, signature, ...(certificate === undefined ? {} : { certificate }) },
          };
          assert.throws(
            () => verifyRevocation(r, trust()),
            (err) => codeOf(err) === 'CW_CONTROL_SIGNATURE',
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
