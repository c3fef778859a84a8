import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createClustersetCa, generateKeyPair, issueSiteCertificate } from '../pki/index.js';
import { signOpenSource, verifyOpenSource } from './open-source.js';

describe("a flow's signed source", () => {
  const open = { service: 'name', namespace: 'lab', port: 9000, site: 'c' };
  let a: { keyPem: string; certPem: string };
  let b: { keyPem: string; certPem: string };

  before(async () => {
    const ca = await createClustersetCa({ trustDomain: 'prod.example' });
    const site = async (siteId: string) => {
      const keys = await generateKeyPair();
      const certPem = await issueSiteCertificate({
        ...{ caCertPem: ca.certPem, caKeyPem: ca.keyPem, trustDomain: 'prod.example', siteId },
        publicKeyPem: keys.publicKeyPem,
      });
      return { keyPem: keys.privateKeyPem, certPem };
    };
    a = await site('a');
    b = await site('b');
  });

  it("verifies with the source site's certificate only, for this service and destination only", () => {
    const source = { site: 'a', address: '10.1.2.3' };
    const signature = signOpenSource(open, source, a.keyPem);
    assert.ok(verifyOpenSource(open, { ...source, signature }, a.certPem));
    // A transit site b signing a claim to be a, or moving a's claim elsewhere, is refused.
    const byB = signOpenSource(open, source, b.keyPem);
    assert.ok(!verifyOpenSource(open, { ...source, signature: byB }, a.certPem));
    assert.ok(
      !verifyOpenSource({ ...open, service: 'other' }, { ...source, signature }, a.certPem),
    );
    assert.ok(!verifyOpenSource(open, { ...source, address: '10.9.9.9', signature }, a.certPem));
    assert.ok(!verifyOpenSource(open, { site: 'a', address: '10.1.2.3' }, a.certPem));
    assert.ok(!verifyOpenSource(open, { ...source, signature }, undefined));
  });

  it('says no, never throws, on hostile signatures and certificates', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 300 }),
        (sig, cert) => verifyOpenSource(open, { site: 'a', signature: sig }, cert) === false,
      ),
      { numRuns: 500 },
    );
  });
});
