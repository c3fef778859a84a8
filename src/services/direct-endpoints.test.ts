import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportConfig, NetworkConfig } from '../config/index.js';
import { directEndpoints } from './direct-endpoints.js';

const entry = (to: string, more: Record<string, unknown> = {}): ExportConfig =>
  ExportConfig.parse({ name: 'web', namespace: 'shop', port: 80, to, ...more });

const routable = NetworkConfig.parse({ pods: ['10.1.0.0/16'], routable: true });

function site(network: NetworkConfig, down: string[] = []): Parameters<typeof directEndpoints>[1] {
  return {
    network,
    zone: 'east-1a',
    ready: (e) => !down.includes(e.to),
    serving: () => true,
  };
}

describe('directEndpoints', () => {
  it('lists each Pod of a routable site once, with Service port to Pod port, zone and conditions', () => {
    const got = directEndpoints(
      [
        entry('10.1.0.5:8080'),
        entry('10.1.0.5:8443', { port: 443 }),
        entry('10.1.2.9:8080', { zone: 'east-1b' }),
      ],
      site(routable, ['10.1.0.5:8443']),
    );
    assert.deepEqual(got.get('web.shop'), [
      {
        address: '10.1.0.5',
        zone: 'east-1a',
        ready: false,
        serving: true,
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 443, targetPort: 8443 },
        ],
      },
      {
        address: '10.1.2.9',
        zone: 'east-1b',
        ready: true,
        serving: true,
        ports: [{ port: 80, targetPort: 8080 }],
      },
    ]);
  });

  it('offers nothing from a site that does not route, nor a backend outside its pod CIDRs', () => {
    const exports = [entry('10.1.0.5:8080'), entry('127.0.0.1:9000'), entry('192.168.0.4:80')];
    assert.equal(
      directEndpoints(exports, site(NetworkConfig.parse({ pods: ['10.1.0.0/16'] }))).size,
      0,
    );
    assert.deepEqual(
      directEndpoints(exports, site(routable))
        .get('web.shop')
        ?.map((e) => e.address),
      ['10.1.0.5'],
    );
  });

  it('keeps the hostname of a headless endpoint', () => {
    const got = directEndpoints(
      [entry('10.1.0.7:5432', { headless: true, hostname: 'db-0' })],
      site(routable),
    );
    assert.equal(got.get('web.shop')?.[0]?.hostname, 'db-0');
  });
});
