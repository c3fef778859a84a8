import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costReport } from './cost-report.js';

describe('costReport', () => {
  it('is unavailable when the router exposes no transfer metrics', () => {
    const report = costReport('# TYPE causeway_flows_total counter\ncauseway_flows_total 3\n');
    assert.deepEqual(report, { available: false, rows: [], totalBytes: 0, totalDollars: 0 });
  });

  it('joins bytes and dollars of one pair and service, most expensive first', () => {
    const labels = (dst: string): string =>
      `src_zone="a",src_region="r",dst_zone="${dst}",dst_region="r",service="web",namespace="shop"`;
    const text = [
      '# TYPE causeway_transfer_bytes_total counter',
      `causeway_transfer_bytes_total{${labels('b')}} 1000000000`,
      `causeway_transfer_cost_dollars_total{${labels('b')}} 0.02`,
      `causeway_transfer_bytes_total{${labels('c')}} 10`,
      `causeway_transfer_cost_dollars_total{${labels('c')}} 0.5`,
    ].join('\n');
    const report = costReport(text);
    assert.equal(report.available, true);
    assert.deepEqual(
      report.rows.map((r) => [r.dstZone, r.bytes, r.dollars]),
      [
        ['c', 10, 0.5],
        ['b', 1e9, 0.02],
      ],
    );
    assert.equal(report.totalBytes, 1e9 + 10);
  });
});
