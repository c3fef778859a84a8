import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FlowCloseEvent } from './causeway-events.js';
import { LATENCY_BOUNDS_MS, latencyBucket, percentileOf, TrafficRing } from './traffic-ring.js';

function close(over: Partial<FlowCloseEvent> = {}): FlowCloseEvent {
  return {
    ...{ id: 1, site: 'eu', side: 'ingress', service: 'web', namespace: 'shop', protocol: 'tcp' },
    source: { site: 'eu', zone: 'a', region: 'r' },
    destination: { site: 'us', zone: 'b', region: 's' },
    ...{ nextHop: 'us', previousHop: null, startedAt: 0, opened: true, outcome: 'closed' },
    ...{ bytesToBackend: 10, bytesToClient: 20, durationMs: 7 },
    ...over,
  };
}

describe('TrafficRing', () => {
  it('sums the flows of a range per service and site pair, with a point per bucket', () => {
    let now = 100_000;
    const ring = new TrafficRing({ site: 'eu', now: () => now, bucketMs: 1_000, buckets: 10 });
    ring.record(close());
    now += 1_000;
    ring.record(close({ outcome: 'BackendUnreachable', durationMs: 300 }));
    ring.record(close({ protocol: 'http', destination: null, nextHop: 'ap' }));
    const report = ring.report(5_000);
    assert.equal(report.timeline.length, 5);
    assert.deepEqual(
      report.timeline.slice(-2).map((p) => [p.flows, p.errors, p.bytes]),
      [
        [1, 0, 30],
        [2, 1, 60],
      ],
    );
    const us = report.series.find((s) => s.destination === 'us');
    assert.equal(us?.flows, 2);
    assert.equal(us?.errors, 1);
    assert.equal(us?.p50Ms, 10);
    assert.equal(us?.p99Ms, 500);
    const ap = report.series.find((s) => s.destination === 'ap');
    assert.equal(ap?.requests, 1);
  });

  it('forgets buckets older than the ring and clamps the range to what it keeps', () => {
    let now = 0;
    const ring = new TrafficRing({ site: 'eu', now: () => now, bucketMs: 1_000, buckets: 3 });
    ring.record(close());
    now = 3_000;
    ring.record(close({ service: 'api' }));
    const report = ring.report(60_000);
    assert.equal(report.rangeMs, 3_000);
    assert.deepEqual(
      report.series.map((s) => s.service),
      ['api'],
    );
  });

  it('keeps at most maxSeries per bucket, counting the rest under (other)', () => {
    const ring = new TrafficRing({ site: 'eu', now: () => 0, maxSeries: 2 });
    for (const service of ['a', 'b', 'c', 'd']) ring.record(close({ service }));
    const names = ring.report(5_000).series.map((s) => s.service);
    assert.deepEqual(names.sort(), ['(other)', 'a', 'b']);
    assert.equal(ring.report(5_000).series.find((s) => s.service === '(other)')?.flows, 2);
  });

  it('ignores no flow: the timeline total equals the flows recorded, whatever their times', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 200 }), (offsets) => {
        let now = 0;
        const ring = new TrafficRing({ site: 'eu', now: () => now, bucketMs: 1_000, buckets: 30 });
        for (const t of [...offsets].sort((a, b) => a - b)) {
          now = t;
          ring.record(close());
        }
        now = 20_000;
        const report = ring.report(30_000);
        const total = report.timeline.reduce((n, p) => n + p.flows, 0);
        assert.equal(total, offsets.length);
      }),
    );
  });
});

describe('percentileOf', () => {
  it('is null for an empty histogram and lies between the buckets of the least and the greatest sample', () => {
    assert.equal(percentileOf([0, 0], 0.5), null);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (samples, p) => {
          const histogram = new Array<number>(16).fill(0);
          for (const ms of samples) histogram[latencyBucket(ms)]! += 1;
          const value = percentileOf(histogram, p);
          const bound = (ms: number): number =>
            Math.min(LATENCY_BOUNDS_MS[latencyBucket(ms)]!, 60_000);
          assert.ok(value !== null);
          assert.ok(value >= bound(Math.min(...samples)) && value <= bound(Math.max(...samples)));
        },
      ),
    );
  });
});
