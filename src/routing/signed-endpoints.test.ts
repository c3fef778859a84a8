import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { createClustersetCa, generateKeyPair, issueSiteCertificate } from '../pki/index.js';
import { decodeControl, encodeSiteAdvert, type SiteAdvert } from './site-advert.js';
import { signEndpoints, verifyEndpoints } from './signed-endpoints.js';

const trustDomain = 'prod.example';

async function site(
  ca: { certPem: string; keyPem: string },
  siteId: string,
  domain = trustDomain,
): Promise<{ keyPem: string; certPem: string }> {
  const keys = await generateKeyPair();
  const certPem = await issueSiteCertificate({
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    trustDomain: domain,
    siteId,
    publicKeyPem: keys.publicKeyPem,
  });
  return { keyPem: keys.privateKeyPem, certPem };
}

const refused = (err: unknown): boolean =>
  err instanceof CausewayError && err.code === 'CW_ADVERT_SIGNATURE';

describe('signed link endpoints in site adverts', () => {
  let ca: { certPem: string; keyPem: string };
  let alpha: { keyPem: string; certPem: string };
  let beta: { keyPem: string; certPem: string };
  let outsider: { keyPem: string; certPem: string };
  const version = { origin: 'alpha', epoch: 1_700_000_000_000, seq: 7 };

  before(async () => {
    ca = await createClustersetCa({ trustDomain });
    alpha = await site(ca, 'alpha');
    beta = await site(ca, 'beta');
    outsider = await site(await createClustersetCa({ trustDomain }), 'alpha');
  });

  it("verifies the origin's own signature, through an advert encode/decode round trip", () => {
    const endpoints = signEndpoints(
      version,
      ['127.0.0.1:7443', '[::1]:7443'],
      alpha.keyPem,
      alpha.certPem,
    );
    const advert: SiteAdvert = {
      type: 'site',
      ...version,
      zone: 'z',
      region: 'r',
      namespaces: [],
      links: [],
      services: [],
      endpoints,
    };
    const decoded = decodeControl(encodeSiteAdvert(advert));
    assert.equal(decoded.type, 'site');
    if (decoded.type !== 'site' || decoded.endpoints === undefined)
      throw new Error('endpoints lost');
    verifyEndpoints(decoded, decoded.endpoints, { caPem: ca.certPem, trustDomain });
  });

  it('refuses what a transit site could forge: another list, another advert, its own key, another CA', () => {
    const signed = signEndpoints(version, ['127.0.0.1:7443'], alpha.keyPem, alpha.certPem);
    const trust = { caPem: ca.certPem, trustDomain };
    assert.throws(
      () => verifyEndpoints(version, { ...signed, addresses: ['10.6.6.6:7443'] }, trust),
      refused,
    );
    assert.throws(
      () => verifyEndpoints({ ...version, seq: 8 }, signed, trust),
      refused,
      'replayed into a newer advert',
    );
    assert.throws(
      () => verifyEndpoints({ ...version, origin: 'beta' }, signed, trust),
      refused,
      'moved to another site',
    );
    const byBeta = signEndpoints(version, ['10.6.6.6:7443'], beta.keyPem, beta.certPem);
    assert.throws(() => verifyEndpoints(version, byBeta, trust), /site beta's/);
    assert.throws(
      () => verifyEndpoints(version, { ...byBeta, certificate: alpha.certPem }, trust),
      /signature does not match/,
    );
    const foreign = signEndpoints(version, ['10.6.6.6:7443'], outsider.keyPem, outsider.certPem);
    assert.throws(
      () => verifyEndpoints(version, foreign, trust),
      /not issued by the clusterset CA/,
    );
  });

  it('refuses hostile certificate and signature fields without crashing', () => {
    const signed = signEndpoints(version, ['127.0.0.1:7443'], alpha.keyPem, alpha.certPem);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 200 }),
        (certificate, signature) => {
          assert.throws(
            () =>
              verifyEndpoints(
                version,
                { ...signed, certificate },
                { caPem: ca.certPem, trustDomain },
              ),
            refused,
          );
          assert.throws(
            () =>
              verifyEndpoints(
                version,
                { ...signed, signature: signed.signature.slice(0, 8) + signature },
                { caPem: ca.certPem, trustDomain },
              ),
            refused,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
