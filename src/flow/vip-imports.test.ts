import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClustersetService } from '../mcs/index.js';
import { createLogger } from '../observability/index.js';
import { VipImports, type ImportAddressing } from './vip-imports.js';

const service: ClustersetService = {
  name: 'web',
  namespace: 'shop',
  type: 'ClusterSetIP',
  ports: [
    { name: 'http', port: 80, protocol: 'TCP' },
    { name: 'alt', port: 8080, protocol: 'TCP' },
  ],
  sessionAffinity: 'None',
  ipFamilies: ['IPv4'],
  labels: {},
  annotations: {},
  winnerSite: 'east',
  sites: ['east', 'north'],
  portSites: {},
  conditions: {},
};

describe('VipImports', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'causeway-vips-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  const vips = (name: string, addressing: Partial<ImportAddressing>): VipImports =>
    new VipImports(
      { vips: join(dir, `${name}-vips.json`), ports: join(dir, `${name}-ports.json`) },
      {
        addressPool: '127.240.0.0/16',
        importPorts: '20000-20999',
        importAddress: () => undefined,
        mayBindPrivileged: () => false,
        unprivilegedPortStart: () => 1024,
        ...addressing,
      },
      createLogger('test', 'silent'),
    );

  it('in a pod that may not bind port 80, opens no loopback listener on it; the import address serves every port', async () => {
    const imports = vips('pod', { importAddress: () => '10.244.0.7' });
    const listens = (await imports.listeners([service], () => [])).map(
      (l) => `${l.listen}${l.site === undefined ? '' : `@${l.site}`}`,
    );
    assert.ok(
      !listens.some((l) => /^127\.[\d.]+:80(@|$)/.test(l)),
      `no privileged loopback listener: ${listens.join(' ')}`,
    );
    assert.ok(
      listens.some((l) => /^127\.[\d.]+:8080$/.test(l)),
      'unprivileged virtual-IP ports still listen',
    );
    const onPodIp = listens.filter((l) => l.startsWith('10.244.0.7:'));
    assert.equal(
      onPodIp.filter((l) => !l.includes('@')).length,
      2,
      'both ports of the clusterset name on the pod IP',
    );
    assert.equal(
      onPodIp.filter((l) => l.endsWith('@east')).length,
      2,
      'both ports targeted at east on the pod IP',
    );
    assert.equal(
      onPodIp.filter((l) => l.endsWith('@north')).length,
      2,
      'both ports targeted at north on the pod IP',
    );
    assert.equal(
      new Set(onPodIp.map((l) => l.split('@')[0])).size,
      6,
      'each listener has a port of its own',
    );
    const east = imports.siteListeners('web', 'shop', ['east'], [80, 8080]);
    assert.deepEqual(
      east.map((l) => [l.site, l.port]),
      [
        ['east', 80],
        ['east', 8080],
      ],
    );
    assert.ok(east.every((l) => onPodIp.includes(`${l.listen}@east`)));
  });

  it('on a host (no import address), or with the capability, every virtual-IP port listens and no site port is taken', async () => {
    const host = (await vips('host', {}).listeners([service], () => [])).map((l) => l.listen);
    assert.equal(host.length, 6, host.join(' '));
    assert.ok(host.every((l) => l.startsWith('127.')));
    const privileged = (
      await vips('cap', {
        importAddress: () => '10.244.0.7',
        mayBindPrivileged: () => true,
      }).listeners([service], () => [])
    ).map((l) => l.listen);
    assert.ok(privileged.some((l) => /^127\.[\d.]+:80$/.test(l)));
  });
});
