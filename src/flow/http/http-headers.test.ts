import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FencingHeader, forwardHeaders, serializeRequestHead } from './http-headers.js';

const pairs = (list: string[]): Array<[string, string]> =>
  list.flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1] ?? ''] as [string, string]] : []));

describe('forwardHeaders', () => {
  it('drops hop-by-hop headers, those Connection names, Expect and forged fencing headers', () => {
    const raw = [
      'Host',
      'ledger',
      'Connection',
      'keep-alive, X-Trace',
      'Keep-Alive',
      'timeout=5',
      'X-Trace',
      '1',
      'Causeway-Fencing-Token',
      '999',
      'causeway-lease-holder',
      'me',
      'Expect',
      '100-continue',
      'Content-Length',
      '3',
      'X-Op',
      'a',
    ];
    assert.deepEqual(pairs(forwardHeaders(raw, { keepTransferEncoding: true })), [
      ['Host', 'ledger'],
      ['Content-Length', '3'],
      ['X-Op', 'a'],
    ]);
  });

  it('keeps chunked framing on requests (and no Content-Length beside it), drops it on responses', () => {
    const raw = [
      'Transfer-Encoding',
      'chunked',
      'Content-Length',
      '10',
      'Content-Type',
      'text/plain',
    ];
    assert.deepEqual(pairs(forwardHeaders(raw, { keepTransferEncoding: true })), [
      ['Transfer-Encoding', 'chunked'],
      ['Content-Type', 'text/plain'],
    ]);
    assert.deepEqual(pairs(forwardHeaders(raw, { keepTransferEncoding: false })), [
      ['Content-Length', '10'],
      ['Content-Type', 'text/plain'],
    ]);
  });

  it('appends the fencing headers of a write after the filtered ones', () => {
    const out = forwardHeaders(['Host', 'x'], {
      keepTransferEncoding: true,
      add: [
        [FencingHeader.token, '7'],
        [FencingHeader.lease, 'w'],
        [FencingHeader.holder, 'eu'],
      ],
    });
    assert.deepEqual(pairs(out), [
      ['Host', 'x'],
      ['Causeway-Fencing-Token', '7'],
      ['Causeway-Lease', 'w'],
      ['Causeway-Lease-Holder', 'eu'],
    ]);
  });

  it('never lets a client-sent fencing header through, whatever the casing and company', () => {
    const name = fc.oneof(
      fc.constantFrom('Host', 'X-A', 'Content-Type', 'Connection', 'Upgrade', 'TE'),
      fc
        .constantFrom(...Object.values(FencingHeader))
        .chain((h) => fc.constantFrom(h, h.toLowerCase(), h.toUpperCase())),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, fc.string({ maxLength: 20 })), { maxLength: 12 }),
        fc.boolean(),
        (list, keep) => {
          const out = forwardHeaders(list.flat(), {
            keepTransferEncoding: keep,
            add: [[FencingHeader.token, '5']],
          });
          const fencing = pairs(out).filter(
            ([n]) => n.toLowerCase() === FencingHeader.token.toLowerCase(),
          );
          const hop = pairs(out).filter(([n]) =>
            ['connection', 'upgrade', 'te'].includes(n.toLowerCase()),
          );
          return (
            out.length % 2 === 0 &&
            fencing.length === 1 &&
            fencing[0]?.[1] === '5' &&
            hop.length === 0
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('serializeRequestHead', () => {
  it('rebuilds an upgrade request as it came, minus fencing headers', () => {
    const head = serializeRequestHead('GET', '/chat', '1.1', [
      'Host',
      'x',
      'Upgrade',
      'websocket',
      'Connection',
      'Upgrade',
      'Causeway-Lease',
      'w',
    ]);
    assert.equal(
      head,
      'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
  });
});
