import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportConfig } from '../config/index.js';
import { mergeClustersetService, type SiteExport } from '../mcs/index.js';
import { isHttpPort, writePolicyAnnotations, writePolicyOf } from './write-policy.js';

function exportOf(site: string, exportedAt: number, fields: Record<string, unknown>): SiteExport {
  const e = ExportConfig.parse({
    name: 'ledger',
    namespace: 'pay',
    port: 80,
    to: '127.0.0.1:8080',
    ...fields,
  });
  const http = e.protocol === 'http';
  return {
    site,
    name: 'ledger',
    namespace: 'pay',
    type: 'ClusterSetIP',
    ports: [
      {
        name: `${http ? 'http' : 'tcp'}-80`,
        port: 80,
        protocol: 'TCP',
        ...(http ? { appProtocol: 'http' } : {}),
      },
    ],
    exportedAt,
    sessionAffinity: 'None',
    exportedAnnotations: writePolicyAnnotations(e),
    endpoints: [{ addresses: [], ready: true }],
  };
}

describe('write policy', () => {
  it('travels from an export through the merged service with its read methods', () => {
    const service = mergeClustersetService([
      exportOf('a', 1, {
        protocol: 'http',
        writes: 'single-writer',
        lease: 'payments-writer',
        readMethods: ['GET', 'REPORT'],
      }),
    ]);
    const policy = writePolicyOf(service);
    assert.equal(policy.type, 'single-writer');
    assert.ok(
      policy.type === 'single-writer' &&
        policy.lease === 'payments-writer' &&
        policy.readMethods.has('REPORT') &&
        !policy.readMethods.has('HEAD'),
    );
    assert.equal(isHttpPort(service, 80), true);
    assert.equal(isHttpPort(service, 81), false);
  });

  it('defaults to GET, HEAD and OPTIONS as reads', () => {
    const policy = writePolicyOf(
      mergeClustersetService([
        exportOf('a', 1, { protocol: 'http', writes: 'single-writer', lease: 'w' }),
      ]),
    );
    assert.deepEqual(policy.type === 'single-writer' ? [...policy.readMethods] : [], [
      'GET',
      'HEAD',
      'OPTIONS',
    ]);
  });

  it('is decided by the oldest export, so every importing site agrees', () => {
    const newer = exportOf('b', 2, { protocol: 'http' });
    const older = exportOf('a', 1, { protocol: 'http', writes: 'single-writer', lease: 'w' });
    assert.equal(writePolicyOf(mergeClustersetService([newer, older])).type, 'single-writer');
    assert.equal(
      writePolicyOf(
        mergeClustersetService([
          exportOf('a', 3, { protocol: 'http', writes: 'single-writer', lease: 'w' }),
          exportOf('b', 2, { protocol: 'http' }),
        ]),
      ).type,
      'any',
    );
  });

  it('treats plain TCP services as any-writer and not HTTP', () => {
    const service = mergeClustersetService([exportOf('a', 1, {})]);
    assert.deepEqual(writePolicyOf(service), { type: 'any' });
    assert.equal(isHttpPort(service, 80), false);
    assert.deepEqual(writePolicyOf(undefined), { type: 'any' });
  });
});
