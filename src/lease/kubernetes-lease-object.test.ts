import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorCode, hasCode } from '../errors/index.js';
import {
  decodeLease,
  encodeLease,
  encodeReleased,
  leaseObjectName,
  storageRevision,
} from './kubernetes-lease-object.js';

// The lease names checkLeaseName accepts.
const leaseName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
const dnsSubdomain = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

describe('Lease objects of the Kubernetes lease backend', () => {
  it('names every lease with a valid object name of its own', () => {
    fc.assert(
      fc.property(leaseName, leaseName, (a, b) => {
        const name = leaseObjectName(a);
        assert.ok(name.length <= 253 && dnsSubdomain.test(name), name);
        if (a !== b) assert.notEqual(leaseObjectName(a), leaseObjectName(b));
      }),
    );
  });

  it('reads back what it writes, and nothing once released', () => {
    fc.assert(
      fc.property(
        leaseName,
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (name, holder, fencingToken, ttlMs) => {
          const now = 1_700_000_000_000;
          const record = { name, holder, fencingToken, expiresAt: now + ttlMs };
          const object = encodeLease(record, undefined, now, true);
          assert.deepEqual(decodeLease(name, object), { record, fencingToken });
          assert.deepEqual(decodeLease(name, encodeReleased(object)), {
            record: undefined,
            fencingToken,
          });
        },
      ),
    );
  });

  it('writes MicroTime with microseconds and keeps the first acquire time on renewal', () => {
    const record = { name: 'ledger', holder: 'eu', fencingToken: 7, expiresAt: 1_700_000_010_000 };
    const taken = encodeLease(record, undefined, 1_700_000_000_000, true);
    assert.equal(JSON.parse(JSON.stringify(taken.spec)).renewTime, '2023-11-14T22:13:20.000000Z');
    assert.equal(taken.spec?.leaseDurationSeconds, 10);
    const renewed = encodeLease(
      { ...record, expiresAt: 1_700_000_020_000 },
      { ...taken, metadata: { ...taken.metadata, resourceVersion: '42' } },
      1_700_000_010_000,
      false,
    );
    assert.equal(renewed.spec?.acquireTime, taken.spec?.acquireTime);
    assert.equal(renewed.metadata?.resourceVersion, '42');
  });

  it('refuses objects that are not what it wrote', () => {
    const object = encodeLease(
      { name: 'ledger', holder: 'eu', fencingToken: 3, expiresAt: 10 },
      undefined,
      0,
      true,
    );
    const withAnnotation = (key: string, value: string) => ({
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...object.metadata?.annotations, [key]: value },
      },
    });
    for (const bad of [
      withAnnotation('causeway.io/fencing-token', '0'),
      withAnnotation('causeway.io/fencing-token', '1e3'),
      withAnnotation('causeway.io/expires-at', 'soon'),
      withAnnotation('causeway.io/lease-name', 'other'),
      { ...object, metadata: { ...object.metadata, name: leaseObjectName('other') } },
    ]) {
      assert.throws(
        () => decodeLease('ledger', bad),
        (err) => hasCode(err, ErrorCode.LeaseStoreInvalid),
      );
    }
  });

  it('takes a resourceVersion as a storage revision only when it is one', () => {
    assert.equal(storageRevision('2417'), 2417);
    for (const opaque of [undefined, '', 'abc', '0', '-5', '99999999999999999999']) {
      assert.throws(
        () => storageRevision(opaque),
        (err) => hasCode(err, ErrorCode.LeaseStoreInvalid),
      );
    }
  });
});
