import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePromSamples } from './prom-samples.js';

const wanted = new Set(['causeway_transfer_bytes_total']);

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

describe('parsePromSamples', () => {
  it('reads the wanted families with their labels, skipping comments and other metrics', () => {
    const text = [
      '# HELP causeway_transfer_bytes_total Bytes.',
      '# TYPE causeway_transfer_bytes_total counter',
      'causeway_transfer_bytes_total{src_zone="a",dst_zone="b\\"q"} 1024',
      'causeway_flows_total{service="web"} 3',
      'causeway_transfer_bytes_total 5 1700000000000',
    ].join('\n');
    assert.deepEqual(parsePromSamples(text, wanted), [
      {
        name: 'causeway_transfer_bytes_total',
        labels: { src_zone: 'a', dst_zone: 'b"q' },
        value: 1024,
      },
      { name: 'causeway_transfer_bytes_total', labels: {}, value: 5 },
    ]);
  });

  it('skips malformed lines instead of failing', () => {
    const text = [
      'causeway_transfer_bytes_total{src_zone="a} 1',
      'causeway_transfer_bytes_total{src_zone=a} 1',
      'causeway_transfer_bytes_total{} one',
      'causeway_transfer_bytes_total{x="\\q"} 1',
      'causeway_transfer_bytes_total{} 2',
    ].join('\n');
    assert.deepEqual(parsePromSamples(text, wanted), [
      { name: 'causeway_transfer_bytes_total', labels: {}, value: 2 },
    ]);
  });

  it('never throws on hostile input and returns only wanted names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (junk) => {
        for (const s of parsePromSamples(junk, wanted)) assert.ok(wanted.has(s.name));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (tail) => {
        parsePromSamples(`causeway_transfer_bytes_total{${tail}`, wanted);
      }),
    );
  });

  it('reads back any labels and value it is given', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), fc.string({ maxLength: 20 }), {
          maxKeys: 5,
        }),
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        (labels, value) => {
          const body = Object.entries(labels)
            .map(([k, v]) => `${k}="${escape(v)}"`)
            .join(',');
          const line = `causeway_transfer_bytes_total{${body}} ${value}`;
          const [sample] = parsePromSamples(line, wanted);
          assert.deepEqual(sample?.labels, { ...labels });
          assert.equal(sample?.value, Number(String(value)));
        },
      ),
    );
  });
});
