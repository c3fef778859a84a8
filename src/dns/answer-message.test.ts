import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Answer, Packet, Question, RecordType } from 'dns-packet';
import fc from 'fast-check';
import { answerMessage, type DnsTransport } from './answer-message.js';
import { normalizeAnswerOptions } from './answer-options.js';
import { answerQuery } from './answer-query.js';
import { clustersetFixture } from './dns-view-fixture.js';
import type { DnsView } from './dns-view.js';
import { Rcode } from './rcode.js';

const OPTIONS = normalizeAnswerOptions({
  zone: 'clusterset.local',
  targetedSuffix: 'causeway',
  ttl: 5,
});
const view = clustersetFixture();
const transport = fc.constantFrom<DnsTransport>('udp', 'tcp');

/** Whatever came in, what goes out is a decodable response for the same id, or nothing. */
function assertSane(input: Buffer, via: DnsTransport, from: DnsView = view): void {
  const answer = answerMessage(input, via, from, OPTIONS);
  if (answer === undefined) return;
  const response = dnsPacket.decode(answer.bytes);
  assert.equal(response.type, 'response');
  assert.equal(response.id, input.readUInt16BE(0));
  assert.equal((response.flags ?? 0) & 0xf, answer.rcode & 0xf);
  if (via === 'udp')
    assert.ok(answer.bytes.length <= 1232, `UDP answer of ${answer.bytes.length} bytes`);
  else assert.ok(answer.bytes.length <= 0xffff);
}

// Labels that hit every branch of the name parser: our zone and schema labels, sites, odd bytes, long ones.
const label = fc.oneof(
  fc.constantFrom(
    'clusterset',
    'local',
    'svc',
    'shop',
    'empty',
    'web',
    'db',
    'idle',
    'dual',
    'east',
    'west',
    'eu',
    'example',
    'causeway',
    '_tcp',
    '_udp',
    '_pg',
    '_dns-tcp',
    'db-0',
    'dns-version',
    'WEB',
    'SvC',
    '*',
  ),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,63}$/),
  fc
    .string({ minLength: 1, maxLength: 20, unit: 'binary' })
    .filter((s) => !s.includes('.') && Buffer.byteLength(s) <= 63),
);
const zoneTail = fc.constantFrom(
  '',
  '.clusterset.local',
  '.svc.clusterset.local',
  '.shop.svc.clusterset.local',
  '.svc.east.causeway',
  '.causeway',
  '.west.eu.example.db.shop.svc.clusterset.local',
);
const name = fc
  .tuple(fc.array(label, { maxLength: 8 }), zoneTail)
  .map(([labels, tail]) => `${labels.join('.')}${tail}`.replace(/^\./, ''));
const qtype = fc.oneof(
  fc.constantFrom<string>(
    'A',
    'AAAA',
    'SRV',
    'TXT',
    'SOA',
    'NS',
    'MX',
    'ANY',
    'PTR',
    'CNAME',
    'AXFR',
    'IXFR',
    'OPT',
    'CAA',
  ),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `UNKNOWN_${n}`),
);
const qclass = fc.constantFrom<Question['class']>('IN', 'CH', 'HS', 'ANY', 'CS', undefined);
const question = fc
  .record({ name, type: qtype, class: qclass })
  .map((q): Question => ({ ...q, type: q.type as RecordType }));
const opt = fc
  .record({
    udpPayloadSize: fc.integer({ min: 0, max: 0xffff }),
    ednsVersion: fc.integer({ min: 0, max: 255 }),
  })
  .map((o): Answer => ({
    type: 'OPT',
    name: '.',
    ...o,
    extendedRcode: 0,
    flags: 0,
    flag_do: false,
    options: [],
  }));
const packet = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  flags: fc.integer({ min: 0, max: 0x7fff }),
  questions: fc.array(question, { maxLength: 3 }),
  additionals: fc.array(opt, { maxLength: 2 }),
});

function encodeQuery(p: Packet): Buffer | undefined {
  try {
    return dnsPacket.encode({ ...p, type: 'query' });
  } catch {
    return undefined; // the generator produced something dns-packet itself cannot write
  }
}

describe('answerMessage on hostile input', () => {
  it('survives arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), transport, (bytes, via) =>
        assertSane(Buffer.from(bytes), via),
      ),
      { numRuns: 3000 },
    );
  });
  it('survives arbitrary bytes behind a plausible query header', () => {
    const header = fc.tuple(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0x7fff }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        header,
        fc.uint8Array({ maxLength: 300 }),
        transport,
        ([id, flags, counts], body, via) => {
          const head = Buffer.alloc(12);
          head.writeUInt16BE(id, 0);
          head.writeUInt16BE(flags, 2);
          counts.forEach((c, i) => head.writeUInt16BE(c, 4 + 2 * i));
          assertSane(Buffer.concat([head, Buffer.from(body)]), via);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('answers FORMERR to undecodable queries and drops responses and runts', () => {
    const truncated = dnsPacket
      .encode({
        type: 'query',
        id: 7,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ name: 'web.shop.svc.clusterset.local', type: 'A' }],
      })
      .subarray(0, 20);
    const formerr = answerMessage(truncated, 'udp', view, OPTIONS);
    assert.equal(formerr?.rcode, Rcode.FormErr);
    const decoded = dnsPacket.decode(formerr?.bytes ?? Buffer.alloc(0));
    assert.equal(decoded.id, 7);
    assert.ok(decoded.flag_rd);
    const response = dnsPacket.encode({
      type: 'response',
      id: 7,
      questions: [{ name: 'web.shop.svc.clusterset.local', type: 'A' }],
    });
    assert.equal(answerMessage(response, 'udp', view, OPTIONS), undefined);
    assert.equal(answerMessage(Buffer.from([1, 2, 3]), 'tcp', view, OPTIONS), undefined);
  });
  it('answers FORMERR to a name with bytes that are not ASCII, whose echo would not decode', () => {
    const query = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [{ name: 'web.shop.svc.clusterset.local', type: 'A' }],
    });
    // A label byte turned into a UTF-8 lead byte: dns-packet reads it as text it cannot write back as it came.
    const mutated = Buffer.from(query);
    mutated[13] = 0xf0;
    const answer = answerMessage(mutated, 'udp', view, OPTIONS);
    assert.equal(answer?.rcode, Rcode.FormErr);
    assert.equal(dnsPacket.decode(answer?.bytes ?? Buffer.alloc(0)).id, 9);
    const unicode = dnsPacket.encode({
      type: 'query',
      id: 10,
      questions: [{ name: '\u{10000}\u{10000}.\n\ufffd\ufffd\ufffd\u{10000}.causeway', type: 'A' }],
    });
    assertSane(unicode, 'udp');
  });
  it('survives arbitrary packets built with dns-packet (names, types, classes, opcodes, EDNS)', () => {
    fc.assert(
      fc.property(packet, transport, (p, via) => {
        const bytes = encodeQuery(p);
        fc.pre(bytes !== undefined);
        assertSane(bytes, via);
      }),
      { numRuns: 3000 },
    );
  });
  it('survives valid queries with bytes flipped', () => {
    fc.assert(
      fc.property(
        packet,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        transport,
        (p, flips, via) => {
          const bytes = encodeQuery(p);
          fc.pre(bytes !== undefined && bytes.length > 0);
          const mutated = Buffer.from(bytes);
          for (const [at, value] of flips) mutated[at % mutated.length] = value;
          assertSane(mutated, via);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('answerQuery never throws on packets that never went through the wire', () => {
    const raw = fc.record({
      id: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      flags: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      questions: fc.option(fc.array(question, { maxLength: 2 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(raw, fc.string({ maxLength: 300 }), (p, anyName) => {
        const withOdd: Packet = {
          ...p,
          questions: [
            ...(p.questions ?? []),
            ...(p.questions?.length === 0 ? [{ name: anyName, type: 'A' as const }] : []),
          ],
        };
        const response = answerQuery(withOdd, view, OPTIONS);
        assert.doesNotThrow(() => dnsPacket.encode(response));
      }),
      { numRuns: 2000 },
    );
  });
  it('answers SERVFAIL and reports the error when the view throws', () => {
    const failing: DnsView = {
      service: () => {
        throw new Error('informer not synced');
      },
      namespaceExists: () => true,
      sites: () => new Set(),
    };
    const query = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [{ name: 'web.shop.svc.clusterset.local', type: 'A' }],
    });
    const answer = answerMessage(query, 'udp', failing, OPTIONS);
    assert.equal(answer?.rcode, Rcode.ServFail);
    assert.match(String(answer?.error), /informer not synced/);
    assert.equal(dnsPacket.decode(answer?.bytes ?? Buffer.alloc(0)).id, 9);
  });
});
