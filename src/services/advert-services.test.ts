import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportConfig } from '../config/index.js';
import { advertServices, type AdvertSite } from './advert-services.js';

const site: AdvertSite = { epoch: 1_000, zone: 'z1', ready: (e) => e.ready !== false };
const entry = (fields: Partial<ExportConfig>): ExportConfig =>
  ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to: '10.0.0.1:8080', ...fields });

describe('advertServices', () => {
  it('names ports tcp-<port> and http-<port> for plain exports, HTTP with its appProtocol', () => {
    const [service] = advertServices([entry({}), entry({ port: 81, protocol: 'http' })], site);
    assert.deepEqual(service?.ports, [
      { name: 'tcp-80', port: 80, protocol: 'TCP' },
      { name: 'http-81', port: 81, protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  it('a Kubernetes port keeps its name (empty: unnamed) and appProtocol; protocol: http is always listed as http', () => {
    const exports = [
      entry({ portName: 'web' }),
      entry({ port: 81, portName: '', appProtocol: 'kubernetes.io/h2c' }),
      entry({ port: 82, portName: 'api', protocol: 'http' }),
    ];
    assert.deepEqual(advertServices(exports, site)[0]?.ports, [
      { name: 'web', port: 80, protocol: 'TCP' },
      { port: 81, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
      { name: 'api', port: 82, protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  it('lists the uncarried ports and internalTrafficPolicy of the first entry, beside a TCP port of the same number', () => {
    const udp = { name: 'udp', port: 80, protocol: 'UDP' as const };
    const exports = [
      entry({ portName: 'tcp', uncarriedPorts: [udp], internalTrafficPolicy: 'Local' }),
      entry({
        to: '10.0.0.2:8080',
        uncarriedPorts: [{ port: 90, protocol: 'SCTP' }],
        internalTrafficPolicy: 'Cluster',
      }),
    ];
    const [service] = advertServices(exports, site);
    assert.deepEqual(service?.ports, [udp, { name: 'tcp', port: 80, protocol: 'TCP' }]);
    assert.equal(service?.internalTrafficPolicy, 'Local');
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
    assert.deepEqual(
      web?.endpoints.map((e) => [e.hostname, e.ready, e.zone]),
      [
        ['a', true, 'z1'],
        ['b', false, 'z1'],
      ],
    );
    assert.deepEqual(api?.endpoints, [{ addresses: [], zone: 'z2', ready: true }]);
    assert.equal(api?.exportedAt, 1_000);
  });
});
