import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { blocksOverlap, parseCidrBlock } from './cidr-block.js';
import { findOverlaps } from './find-overlaps.js';
import type { SiteNetworks } from './site-networks.js';

function site(
  id: string,
  pods: string[],
  services: string[] = [],
  nodes: string[] = [],
): SiteNetworks {
  return { site: id, pods, services, nodes, routable: true, domain: 'default', source: 'config' };
}

describe('findOverlaps', () => {
  it("finds equal pod CIDRs and a pod CIDR inside another site's Service CIDR, not a site with itself", () => {
    const got = findOverlaps([
      site('east', ['10.244.0.0/16'], ['10.96.0.0/12']),
      site('west', ['10.244.0.0/16'], ['10.96.0.0/16']),
      site('south', ['10.100.0.0/16', '10.100.0.0/17'], ['172.20.0.0/16']),
    ]);
    assert.deepEqual(
      got.map((o) => `${o.a.site}:${o.a.kind}:${o.a.cidr} ${o.b.site}:${o.b.kind}:${o.b.cidr}`),
      [
        'east:services:10.96.0.0/12 south:pods:10.100.0.0/16',
        'east:services:10.96.0.0/12 south:pods:10.100.0.0/17',
        'east:pods:10.244.0.0/16 west:pods:10.244.0.0/16',
        'east:services:10.96.0.0/12 west:services:10.96.0.0/16',
      ],
    );
  });

  it('names the site and field of a bad block', () => {
    assert.throws(() => findOverlaps([site('east', ['10.244.0.1/16'])]), /east\.pods\[0\]/);
  });

  it('property: the sweep finds exactly the overlapping pairs a comparison of all pairs finds', () => {
    const block = fc.tuple(fc.nat(0xffff), fc.integer({ min: 8, max: 24 })).map(([n, p]) => {
      const v = ((n << 16) & (0xffffffff << (32 - p))) >>> 0;
      return `${v >>> 24}.${(v >>> 16) & 255}.0.0/${p}`;
    });
    const sites = fc
      .array(fc.array(block, { maxLength: 4 }), { minLength: 1, maxLength: 5 })
      .map((lists) => lists.map((pods, i) => site(`s${i}`, pods)));
    fc.assert(
      fc.property(sites, (all) => {
        let expected = 0;
        const flat = all.flatMap((s) =>
          s.pods.map((c) => ({ site: s.site, b: parseCidrBlock(c) })),
        );
        for (const [i, x] of flat.entries())
          for (const y of flat.slice(i + 1))
            if (x.site !== y.site && blocksOverlap(x.b, y.b)) expected++;
        assert.equal(findOverlaps(all).length, expected);
      }),
      { numRuns: 500 },
    );
  });
});
