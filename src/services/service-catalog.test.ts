import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceCatalog } from './service-catalog.js';

const web = { name: 'web', namespace: 'shop', ports: [{ port: 80, protocol: 'TCP' as const }] };

describe('ServiceCatalog', () => {
  it('merges the same name+namespace from several sites into one service, local first', () => {
    const catalog = new ServiceCatalog('ap-south');
    catalog.setLocalExports([{ name: 'web', namespace: 'shop', port: 80, to: '127.0.0.1:9000', protocol: 'TCP' }]);
    catalog.setRemoteExports('us-east', [web]);
    catalog.setRemoteExports('eu-west', [web]);
    const sites = catalog.endpoints('web', 'shop', 80, () => true).map((e) => e.site);
    assert.deepEqual(sites, ['ap-south', 'eu-west', 'us-east']);
  });

  it('round-robins evenly and skips unreachable sites', () => {
    const catalog = new ServiceCatalog('ap-south');
    catalog.setRemoteExports('us-east', [web]);
    catalog.setRemoteExports('eu-west', [web]);
    catalog.setRemoteExports('down', [web]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const site = catalog.pickEndpoint('web', 'shop', 80, (s) => s !== 'down')?.site ?? 'none';
      counts.set(site, (counts.get(site) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { 'eu-west': 50, 'us-east': 50 });
  });

  it('does not offer a port the site does not export, nor a forgotten site', () => {
    const catalog = new ServiceCatalog('a');
    catalog.setRemoteExports('b', [web]);
    assert.equal(catalog.pickEndpoint('web', 'shop', 443, () => true), undefined);
    catalog.forgetSite('b');
    assert.equal(catalog.pickEndpoint('web', 'shop', 80, () => true), undefined);
    assert.deepEqual(catalog.ports('web', 'shop'), []);
  });
});
