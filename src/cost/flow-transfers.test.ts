import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowCloseEvent, SitePlace } from '../observability/index.js';
import { flowTransfers } from './flow-transfers.js';
import { BYTES_PER_GB, LIST_PRICES, pricePerGb, priceTableOf } from './price-table.js';

const here: SitePlace = { site: 'c', zone: 'use1-az1', region: 'us-east-1' };
const sameZone: SitePlace = { site: 'd', zone: 'use1-az1', region: 'us-east-1' };
const otherZone: SitePlace = { site: 'e', zone: 'use1-az2', region: 'us-east-1' };
const otherRegion: SitePlace = { site: 'f', zone: 'euw1-az1', region: 'eu-west-1' };

function closed(destination: SitePlace, toBackend: number, toClient: number): FlowCloseEvent {
  return {
    ...{ id: 1, site: 'c', side: 'ingress', service: 'web', namespace: 'shop', protocol: 'tcp' },
    ...{ source: here, destination, nextHop: destination.site, previousHop: null, startedAt: 0 },
    ...{ opened: true, outcome: 'closed', bytesToBackend: toBackend, bytesToClient: toClient },
    durationMs: 5,
  };
}

describe('price table', () => {
  it('bills a byte between AWS zones on both sides and between regions on the sender', () => {
    assert.equal(pricePerGb(LIST_PRICES.aws, here, otherZone), 0.02);
    assert.equal(pricePerGb(LIST_PRICES.aws, here, otherRegion), 0.02);
    assert.equal(pricePerGb(LIST_PRICES.gcp, here, otherZone), 0.01);
    assert.equal(pricePerGb(LIST_PRICES.aws, here, sameZone), 0);
  });

  it("lets a site's region pairs and rates override the list prices", () => {
    const table = priceTableOf({
      prices: 'aws',
      crossZone: { outPerGb: 0.005, inPerGb: 0 },
      regionPairs: [{ from: 'us-east-1', to: '*', outPerGb: 0.09, inPerGb: 0 }],
    });
    assert.equal(pricePerGb(table, here, otherZone), 0.005);
    assert.equal(pricePerGb(table, here, otherRegion), 0.09);
    assert.equal(pricePerGb(table, otherRegion, here), 0.02);
    assert.match(table.source, /site\.yaml/);
  });
});

describe('flowTransfers', () => {
  it('prices each direction from its sender', () => {
    const counted = flowTransfers(
      closed(otherRegion, BYTES_PER_GB, 2 * BYTES_PER_GB),
      LIST_PRICES.aws,
      [],
    );
    assert.deepEqual(
      counted?.transfers.map((t) => [t.from.site, t.to.site, t.bytes, t.dollars]),
      [
        ['c', 'f', BYTES_PER_GB, 0.02],
        ['f', 'c', 2 * BYTES_PER_GB, 0.04],
      ],
    );
  });

  it('counts only at ingress, where both ends are known', () => {
    const egress = { ...closed(otherZone, 10, 10), side: 'egress' as const };
    assert.equal(flowTransfers(egress, LIST_PRICES.aws, []), null);
    const unplaced = closed({ site: 'x', zone: '', region: '' }, 10, 10);
    assert.equal(flowTransfers(unplaced, LIST_PRICES.aws, []), null);
  });

  it('tells what a flow kept in zone against round-robin over the exporting sites', () => {
    const counted = flowTransfers(closed(sameZone, BYTES_PER_GB, BYTES_PER_GB), LIST_PRICES.aws, [
      sameZone,
      otherZone,
      otherRegion,
      otherZone,
    ]);
    assert.equal(counted?.locality.keptInZoneBytes, 2 * BYTES_PER_GB * 0.75);
    // Round-robin: a quarter each; zone-crossing and region-crossing bytes at $0.02/GiB.
    assert.equal(counted?.locality.roundRobinDollars, (0 + 0.04 + 0.04 + 0.04) / 4);
  });
});
