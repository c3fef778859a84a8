import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import {
  decodeControl,
  encodeSiteAdvert,
  isNewerAdvert,
  peekAdvertVersion,
  type SiteAdvert,
} from './site-advert.js';

const advert: SiteAdvert = {
  type: 'site',
  origin: 'eu-west',
  epoch: 1,
  seq: 7,
  zone: 'eu-west-1a',
  region: 'eu-west-1',
  namespaces: ['shop'],
  links: [{ peer: 'us-east', cost: 1 }],
  services: [
    {
      name: 'web',
      namespace: 'shop',
      type: 'ClusterSetIP',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      exportedAt: 1000,
      sessionAffinity: 'None',
      endpoints: [{ addresses: [], zone: 'eu-west-1a', ready: true }],
    },
  ],
};

describe('site advert (CONTROL payload)', () => {
  it('round-trips', () => {
    assert.deepEqual(decodeControl(encodeSiteAdvert(advert)), advert);
  });
  it('round-trips the network and the direct endpoints of a routable site', () => {
    const flat: SiteAdvert = {
      ...advert,
      network: {
        pods: ['10.1.0.0/16'],
        services: [],
        nodes: [],
        routable: true,
        domain: 'transit',
      },
      services: advert.services.map((s) => ({
        ...s,
        direct: [
          {
            address: '10.1.0.5',
            ready: true,
            serving: true,
            ports: [{ port: 80, targetPort: 8080 }],
          },
        ],
      })),
    };
    assert.deepEqual(decodeControl(encodeSiteAdvert(flat)), flat);
  });
  it('reports unknown message types instead of failing (newer peers may add some)', () => {
    assert.deepEqual(decodeControl(Buffer.from('{"type":"routes"}')), {
      type: 'unknown',
      name: 'routes',
    });
  });
  it('turns any hostile payload into CW_FRAME_MALFORMED or unknown', () => {
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc
        .record({
          type: fc.constant('site'),
          origin: fc.anything(),
          epoch: fc.anything(),
          seq: fc.anything(),
          links: fc.anything(),
          services: fc.anything(),
        })
        .map((v) => Buffer.from(JSON.stringify(v))),
      fc
        .anything()
        .map((v) =>
          Buffer.from(
            JSON.stringify({ ...advert, services: [{ ...advert.services[0], ports: v }] }) ??
              'null',
          ),
        ),
    );
    // The network and direct endpoints: CIDR lists and Pod addresses from a peer are not trusted.
    const networkish = fc.oneof(
      fc.anything(),
      fc.record({
        pods: fc.array(fc.string({ maxLength: 80 }), { maxLength: 70 }),
        services: fc.anything(),
        nodes: fc.array(fc.string()),
        routable: fc.anything(),
        domain: fc.string({ maxLength: 300 }),
      }),
    );
    const withNetwork = fc.oneof(
      networkish.map((network) => ({ ...advert, network })),
      fc.anything().map((direct) => ({
        ...advert,
        services: [{ ...advert.services[0], direct: [direct] }],
      })),
    );
    const all = fc.oneof(
      hostile,
      withNetwork.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    );
    fc.assert(
      fc.property(all, (payload) => {
        try {
          decodeControl(payload);
        } catch (err) {
          assert.ok(
            err instanceof CausewayError && err.code === 'CW_FRAME_MALFORMED',
            `unexpected ${String(err)}`,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('orders adverts by (epoch, seq) so a restarted origin wins over its old state', () => {
    assert.equal(isNewerAdvert(undefined, { epoch: 1, seq: 1 }), true);
    assert.equal(isNewerAdvert({ epoch: 1, seq: 5 }, { epoch: 1, seq: 5 }), false);
    assert.equal(isNewerAdvert({ epoch: 1, seq: 5 }, { epoch: 1, seq: 4 }), false);
    assert.equal(isNewerAdvert({ epoch: 1, seq: 5 }, { epoch: 2, seq: 1 }), true);
  });

  it('peeks the version of an encoded advert without decoding it, and only then', () => {
    assert.deepEqual(peekAdvertVersion(encodeSiteAdvert(advert)), {
      origin: 'eu-west',
      epoch: 1,
      seq: 7,
    });
    assert.equal(peekAdvertVersion(Buffer.from('{"seq":7,"type":"site"}')), undefined);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        (bytes) => void peekAdvertVersion(Buffer.from(bytes)),
      ),
    );
  });
});
