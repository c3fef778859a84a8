import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import type { SiteAdvert } from '../routing/index.js';
import { systemRuntime } from '../runtime/index.js';
import { DirectPaths } from './direct-paths.js';

const network = { pods: ['127.0.0.0/8'], services: [], nodes: [], routable: true, domain: 'lo' };

function advert(origin: string, port: number, pods = ['127.0.0.0/8']): SiteAdvert {
  return {
    type: 'site',
    origin,
    epoch: 1,
    seq: 1,
    zone: 'z',
    region: 'r',
    namespaces: ['shop'],
    links: [],
    network: { ...network, pods },
    services: [
      {
        name: 'web',
        namespace: 'shop',
        type: 'ClusterSetIP',
        ports: [{ port: 80, protocol: 'TCP' }],
        exportedAt: 1,
        sessionAffinity: 'None',
        endpoints: [],
        direct: [
          {
            address: '127.0.0.1',
            ready: true,
            serving: true,
            ports: [{ port: 80, targetPort: port }],
          },
        ],
      },
    ],
  };
}

async function listen(): Promise<Server> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('DirectPaths (real TCP probes)', () => {
  it('goes direct once a remote Pod answers, back to the router when it stops, within the probe budget', async () => {
    const server = await listen();
    const port = (server.address() as { port: number }).port;
    const own = { ...advert('self', port), network: { ...network, pods: ['10.9.0.0/16'] } };
    let adverts = [own, advert('west', port, ['127.0.0.0/8'])];
    let changes = 0;
    let notify = (): void => undefined;
    const paths = new DirectPaths({
      self: 'self',
      network: () => ({ ...network, pods: ['10.9.0.0/16'] }),
      adverts: () => adverts,
      runtime: systemRuntime,
      changed: () => {
        changes++;
        notify();
      },
      intervalMs: 50,
      timeoutMs: 200,
    });
    // Bounded: the probe timer is unref'd, so this ref'd timeout also keeps the test process waiting.
    const nextChange = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const bound = setTimeout(() => reject(new Error('no path change within 5 s')), 5_000);
        notify = () => {
          clearTimeout(bound);
          resolve();
        };
      });
    const up = nextChange();
    paths.start();
    await up;
    assert.equal(paths.pathTo('west').mode, 'direct');
    assert.deepEqual(
      paths.directFor('web', 'shop').map((d) => `${d.site} ${d.address}`),
      ['west 127.0.0.1'],
    );
    const down = nextChange();
    const stoppedAt = Date.now();
    server.close();
    await down;
    const fallbackMs = Date.now() - stoppedAt;
    assert.equal(paths.pathTo('west').reason, 'the probe of a remote Pod failed');
    assert.deepEqual(paths.directFor('web', 'shop'), []);
    assert.ok(fallbackMs < 1_000, `fell back after ${fallbackMs} ms`);

    // A change of the remote's CIDRs is a conflict until a probe confirms the new network.
    adverts = [own, advert('west', port, ['127.0.0.0/16'])];
    paths.probeAll();
    assert.match(paths.conflicts()[0]?.message ?? '', /site west changed its CIDRs/);
    assert.equal(paths.pathTo('west').mode, 'router');
    paths.stop();
    assert.equal(changes, 2);
  });
});
