import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SiteAdvert } from '../routing/index.js';
import { ExportConfig } from '../config/index.js';
import { ServiceDirectory } from './service-directory.js';

const advert = (origin: string, ports: number[], exportedAt = 1): SiteAdvert => ({
  type: 'site',
  origin,
  epoch: 1,
  seq: 1,
  zone: `${origin}-a`,
  region: origin,
  namespaces: ['shop'],
  links: [],
  services: [
    {
      name: 'web',
      namespace: 'shop',
      type: 'ClusterSetIP',
      ports: ports.map((port) => ({ name: `tcp-${port}`, port, protocol: 'TCP' as const })),
      exportedAt,
      sessionAffinity: 'None',
      endpoints: [{ addresses: [], ready: true }],
    },
  ],
});

describe('ServiceDirectory', () => {
  it('merges exports of one name+namespace into one service, this site first', () => {
    const dir = new ServiceDirectory('ap-south');
    dir.setLocalExports([
      ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to: '127.0.0.1:9000' }),
    ]);
    dir.sync(
      [advert('ap-south', [80]), advert('us-east', [80]), advert('eu-west', [80])],
      () => true,
    );
    assert.deepEqual(
      dir.endpoints('web', 'shop', 80).map((e) => e.site),
      ['ap-south', 'eu-west', 'us-east'],
    );
  });

  it('counts replacements of its own exports, which adverts do not version', () => {
    const dir = new ServiceDirectory('a');
    const before = dir.localVersion;
    dir.setLocalExports([
      ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to: '127.0.0.1:9000' }),
    ]);
    dir.setLocalExports([
      ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to: '127.0.0.1:9001' }),
    ]);
    assert.equal(dir.localVersion, before + 2);
  });

  it('drops unreachable sites from rotation and from the model', () => {
    const dir = new ServiceDirectory('a');
    dir.sync([advert('b', [80]), advert('c', [80])], () => true);
    dir.sync([advert('b', [80]), advert('c', [80])], (site) => site !== 'c');
    assert.deepEqual(
      dir.endpoints('web', 'shop', 80).map((e) => e.site),
      ['b'],
    );
    assert.deepEqual(dir.exporters().get('web.shop'), ['b']);
  });

  it('sends a port only to the sites that expose it (strict port conflict)', () => {
    const dir = new ServiceDirectory('a');
    dir.sync([advert('b', [80], 1), advert('c', [80, 8080], 2)], () => true);
    assert.deepEqual(dir.ports('web', 'shop'), [80, 8080]);
    assert.deepEqual(
      dir.endpoints('web', 'shop', 8080).map((e) => e.site),
      ['c'],
    );
    assert.equal(dir.service('web', 'shop')?.conditions['b']?.conflict.reason, 'PortConflict');
  });

  it('imports only where the namespace is present', () => {
    const dir = new ServiceDirectory('a');
    dir.sync([advert('b', [80])], () => true);
    assert.equal(dir.imported(new Set(['other'])).length, 0);
    assert.equal(dir.imported(new Set(['shop'])).length, 1);
  });
});
