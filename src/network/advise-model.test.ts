import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adviseModel } from './advise-model.js';
import { findOverlaps } from './find-overlaps.js';
import type { SiteNetworks } from './site-networks.js';

function site(id: string, pods: string, more: Partial<SiteNetworks> = {}): SiteNetworks {
  return {
    site: id,
    pods: [pods],
    services: [],
    nodes: [],
    routable: true,
    domain: 'default',
    source: 'config',
    ...more,
  };
}

function advise(a: SiteNetworks, b: SiteNetworks, clusters = 3): ReturnType<typeof adviseModel> {
  return adviseModel(a, b, findOverlaps([a, b]), clusters);
}

describe('adviseModel', () => {
  it('overlapping pod CIDRs force island and say which blocks', () => {
    const got = advise(site('b', '10.244.0.0/16'), site('a', '10.244.0.0/16'));
    assert.deepEqual(got.sites, ['a', 'b']);
    assert.equal(got.model, 'island');
    assert.equal(got.forced, true);
    assert.deepEqual(got.reasons, ['a pods 10.244.0.0/16 overlaps b pods 10.244.0.0/16']);
  });

  it('equal Service CIDRs do not stop a flat pair; a pod CIDR inside the other Service CIDR does', () => {
    const a = site('a', '10.1.0.0/16', { services: ['10.96.0.0/12'] });
    assert.equal(advise(a, site('b', '10.2.0.0/16', { services: ['10.96.0.0/12'] })).model, 'flat');
    const inside = advise(a, site('b', '10.100.0.0/16'));
    assert.equal(inside.forced, true);
    assert.deepEqual(inside.reasons, ['a services 10.96.0.0/12 overlaps b pods 10.100.0.0/16']);
  });

  it('a side that is not routable, or another routed domain, forces island', () => {
    assert.match(
      advise(
        site('a', '10.1.0.0/16'),
        site('b', '10.2.0.0/16', { routable: false }),
      ).reasons.join(),
      /b does not declare/,
    );
    const domains = advise(site('a', '10.1.0.0/16', { domain: 'tgw-1' }), site('b', '10.2.0.0/16'));
    assert.equal(domains.model, 'island');
    assert.match(domains.reasons.join(), /domain tgw-1.*no route/);
  });

  it('few clusters on one cloud with an underlay CNI is flat, saying why', () => {
    const got = advise(
      site('a', '10.1.0.0/16', { cloud: 'aws', cni: 'aws-vpc-cni' }),
      site('b', '10.2.0.0/16', { cloud: 'aws' }),
    );
    assert.equal(got.model, 'flat');
    assert.equal(got.forced, false);
    assert.deepEqual(got.reasons.slice(1), [
      'flat: 3 clusters (< 10)',
      'flat: one cloud (aws)',
      'flat: a CNI aws-vpc-cni gives pods underlay addresses',
    ]);
  });

  it('many clusters, two clouds and compliance outvote the routable pair: island, not forced', () => {
    const got = advise(
      site('a', '10.1.0.0/16', { cloud: 'aws', compliance: 'high' }),
      site('b', '10.2.0.0/16', { cloud: 'gcp' }),
      12,
    );
    assert.equal(got.model, 'island');
    assert.equal(got.forced, false);
    assert.ok(got.reasons.includes('island: two clouds (aws, gcp)'));
  });

  it('a tie stays island: it works everywhere', () => {
    const got = advise(site('a', '10.1.0.0/16', { cni: 'calico' }), site('b', '10.2.0.0/16'));
    assert.equal(got.model, 'island');
  });
});
