import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SiteAdvert } from '../routing/index.js';
import type { SiteExport } from '../mcs/index.js';
import { ServiceDirectory } from './service-directory.js';

const advert = (origin: string, seq: number, names: string[]): SiteAdvert => ({
  type: 'site',
  origin,
  epoch: 1,
  seq,
  zone: `${origin}-a`,
  region: origin,
  namespaces: ['shop'],
  links: [],
  services: names.map((name) => ({
    name,
    namespace: 'shop',
    type: 'ClusterSetIP' as const,
    ports: [{ name: 'tcp-80', port: 80, protocol: 'TCP' as const }],
    exportedAt: 1,
    sessionAffinity: 'None' as const,
    endpoints: [{ addresses: [], ready: true }],
  })),
});

/** A directory whose model records which sites it was fed. */
function recordingDirectory(): { dir: ServiceDirectory; fed: string[] } {
  const dir = new ServiceDirectory('a');
  const fed: string[] = [];
  const setSiteExports = dir.model.setSiteExports.bind(dir.model);
  dir.model.setSiteExports = (site: string, exports: readonly SiteExport[]) => {
    fed.push(site);
    setSiteExports(site, exports);
  };
  return { dir, fed };
}

describe('ServiceDirectory.sync (incremental)', () => {
  it('re-feeds only the sites whose advert changed', () => {
    const { dir, fed } = recordingDirectory();
    const b1 = advert('b', 1, ['web']);
    const c1 = advert('c', 1, ['db']);
    dir.sync([b1, c1], () => true);
    assert.deepEqual(fed.splice(0), ['b', 'c']);
    dir.sync([b1, c1], () => true);
    assert.deepEqual(fed, []);
    dir.sync([b1, advert('c', 2, ['db', 'cache'])], () => true);
    assert.deepEqual(fed.splice(0), ['c']);
    assert.deepEqual([...dir.exporters().keys()].sort(), ['cache.shop', 'db.shop', 'web.shop']);
  });

  it('drops a site that becomes unreachable or disappears, and takes it back when it returns', () => {
    const { dir, fed } = recordingDirectory();
    const b1 = advert('b', 1, ['web']);
    const c1 = advert('c', 1, ['web']);
    dir.sync([b1, c1], () => true);
    dir.sync([b1, c1], (site) => site !== 'c');
    assert.deepEqual(dir.exporters().get('web.shop'), ['b']);
    fed.length = 0;
    dir.sync([b1, c1], () => true);
    assert.deepEqual(fed, ['c']);
    assert.deepEqual(dir.exporters().get('web.shop'), ['b', 'c']);
    dir.sync([c1], () => true);
    assert.deepEqual(dir.exporters().get('web.shop'), ['c']);
  });
});
