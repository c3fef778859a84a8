import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportConfig } from '../config/index.js';
import { advertServices, type AdvertSite } from './advert-services.js';

const site: AdvertSite = { epoch: 1_000, zone: 'z1', ready: (e) => e.ready !== false };
const entry = (fields: Partial<ExportConfig>): ExportConfig => ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to: '10.0.0.1:8080', ...fields });

describe('advertServices', () => {
  it('names ports tcp-<port> and http-<port> for plain exports, HTTP with its appProtocol', () => {
    const [service] = advertServices([entry({}), entry({ port: 81, protocol: 'http' })], site);
    assert.deepEqual(service?.ports, [
      { name: 'tcp-80', port: 80, protocol: 'TCP' },
      { name: 'http-81', port: 81, protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  it('one service per name+namespace: one endpoint per headless hostname, the oldest export time', () => {
    const exports = [
      entry({ headless: true, hostname: 'a', exportedAt: 500 }),
      entry({ headless: true, hostname: 'b', ready: false }),
      entry({ name: 'api', port: 90, zone: 'z2' }),
    ];
    const [web, api] = advertServices(exports, site);
    assert.equal(web?.type, 'Headless');
    assert.equal(web?.exportedAt, 500);
    assert.deepEqual(web?.endpoints.map((e) => [e.hostname, e.ready, e.zone]), [['a', true, 'z1'], ['b', false, 'z1']]);
    assert.deepEqual(api?.endpoints, [{ addresses: [], zone: 'z2', ready: true }]);
    assert.equal(api?.exportedAt, 1_000);
  });
});
