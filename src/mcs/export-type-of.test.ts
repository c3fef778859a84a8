import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasCode } from '../errors/index.js';
import { exportTypeOf } from './export-type-of.js';
import { headlessHostname } from './headless-hostname.js';

describe('exportTypeOf', () => {
  it('maps ClusterIP, NodePort and LoadBalancer to ClusterSetIP, and clusterIP None to Headless', () => {
    assert.deepEqual(
      (['ClusterIP', 'NodePort', 'LoadBalancer'] as const).map((t) => exportTypeOf(t, '10.0.0.1')),
      Array(3).fill(exportTypeOf('ClusterIP')),
    );
    const headless = exportTypeOf('ClusterIP', 'None');
    assert.equal(headless.ok && headless.type, 'Headless');
    assert.equal(headless.condition.reason, 'Valid');
  });

  it('refuses ExternalName with Valid=False/InvalidServiceType', () => {
    const result = exportTypeOf('ExternalName');
    assert.equal(result.ok, false);
    assert.deepEqual(
      [result.condition.type, result.condition.status, result.condition.reason],
      ['Valid', 'False', 'InvalidServiceType'],
    );
  });
});

describe('headlessHostname', () => {
  it('prefers the endpoint hostname, else dashes the first address', () => {
    assert.equal(headlessHostname({ hostname: 'web-0', addresses: ['10.0.0.1'] }), 'web-0');
    assert.equal(headlessHostname({ addresses: ['10.0.0.1', '10.0.0.2'] }), '10-0-0-1');
    assert.equal(headlessHostname({ hostname: '', addresses: ['fd00::1'] }), 'fd00--1');
    assert.throws(
      () => headlessHostname({ addresses: [] }),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
  });
});
