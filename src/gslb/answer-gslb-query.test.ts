import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet, RecordType, SoaAnswer } from 'dns-packet';
import fc from 'fast-check';
import { decodeQuery, Rcode } from '../dns/index.js';
import { answerGslbQuery } from './answer-gslb-query.js';
import { stateWith, statusWith } from './gslb-state.fixture.js';
import type { GslbState } from './gslb-state.js';

const healthy = stateWith(['eu', 'us', 'ap']);

function ask(
  name: string,
  type = 'A',
  extra: Partial<Packet> = {},
  state: GslbState = healthy,
  from = '10.1.0.1',
): DecodedPacket {
  const query: Packet = {
    type: 'query',
    id: 7,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as RecordType, class: 'IN' }],
    ...extra,
  };
  return dnsPacket.decode(dnsPacket.encode(answerGslbQuery(query, from, state).response));
}
const rcode = (r: Packet): number => (r.flags ?? 0) & 0xf;
const data = (records: Answer[] | undefined): string[] =>
  (records ?? [])
    .filter((a) => a.type !== 'OPT')
    .map((a) => `${a.type} ${String((a as { data: unknown }).data)}`)
    .sort();
const ecs = (family: number, source: number, scope: number, address: number[]): OptAnswer => ({
  type: 'OPT',
  name: '.',
  udpPayloadSize: 1232,
  extendedRcode: 0,
  ednsVersion: 0,
  flags: 0,
  flag_do: false,
  options: [
    {
      code: 8,
      ip: undefined,
      data: Buffer.from([family >> 8, family & 0xff, source, scope, ...address]),
    },
  ],
});

function assertNegative(r: DecodedPacket, code: number): void {
  assert.equal(rcode(r), code);
  assert.ok(r.flag_aa);
  assert.deepEqual(r.answers, []);
  const soa = r.authorities?.[0] as SoaAnswer | undefined;
  assert.equal(soa?.type, 'SOA');
  assert.equal(soa?.name, 'gslb.example.com');
  assert.equal(soa?.data.minimum, 5, 'RFC 2308: negative TTL from the SOA');
}

describe('answerGslbQuery: records', () => {
  it('answers A from the strategy, authoritative, with the record TTL', () => {
    const r = ask('api.gslb.example.com');
    assert.equal(rcode(r), Rcode.NoError);
    assert.ok(r.flag_aa);
    assert.deepEqual(data(r.answers), ['A 192.0.2.1']);
    assert.equal(r.answers?.[0]?.type === 'A' && r.answers[0].ttl, 5);
  });
  it("is case-insensitive and keeps the asker's case (RFC 4343)", () => {
    const r = ask('API.Gslb.Example.COM.');
    assert.deepEqual(data(r.answers), ['A 192.0.2.1']);
    assert.equal(r.questions?.[0]?.name, 'API.Gslb.Example.COM');
  });
  it('answers AAAA targets to AAAA and NODATA when the chosen site has no address of that family', () => {
    assert.deepEqual(data(ask('all.deep.gslb.example.com', 'AAAA').answers), ['AAAA 2001:db8::2']);
    assertNegative(ask('api.gslb.example.com', 'AAAA'), Rcode.NoError);
  });
  it('is NODATA for other types at a record and at an empty non-terminal (RFC 8020)', () => {
    assertNegative(ask('api.gslb.example.com', 'TXT'), Rcode.NoError);
    assertNegative(ask('deep.gslb.example.com', 'A'), Rcode.NoError);
  });
  it('is NXDOMAIN with the SOA for names that do not exist (RFC 2308 §2.1)', () => {
    assertNegative(ask('nope.gslb.example.com'), Rcode.NxDomain);
    assertNegative(ask('x.api.gslb.example.com'), Rcode.NxDomain);
  });
  it('answers SERVFAIL by the servfail policy when no site is healthy', () =>
    assert.equal(rcode(ask('all.deep.gslb.example.com', 'A', {}, stateWith([]))), Rcode.ServFail));
});

describe('answerGslbQuery: zone apex', () => {
  it('answers SOA and NS, with glue only for name servers inside the zone', () => {
    const soa = ask('gslb.example.com', 'SOA');
    assert.equal(soa.answers?.[0]?.type, 'SOA');
    const ns = ask('gslb.example.com', 'NS');
    assert.deepEqual(data(ns.answers), ['NS ns1.gslb.example.com', 'NS ns2.example.net']);
    assert.deepEqual(data(ns.additionals), ['A 192.0.2.53']);
  });
  it("answers the in-zone name server's address", () =>
    assert.deepEqual(data(ask('ns1.gslb.example.com').answers), ['A 192.0.2.53']));
  it('is NODATA for A at the apex without a record there', () =>
    assertNegative(ask('gslb.example.com', 'A'), Rcode.NoError));
});

describe('answerGslbQuery: refusals and format errors', () => {
  it('REFUSES names outside the zone, other classes and zone transfers', () => {
    assert.equal(rcode(ask('example.com')), Rcode.Refused);
    assert.equal(rcode(ask('api.gslb.example.org')), Rcode.Refused);
    assert.equal(rcode(ask('gslb.example.com', 'AXFR')), Rcode.Refused);
    const chaos: Packet = {
      type: 'query',
      id: 1,
      questions: [{ name: 'api.gslb.example.com', type: 'A', class: 'CH' }],
    };
    assert.equal(
      rcode(
        dnsPacket.decode(dnsPacket.encode(answerGslbQuery(chaos, '10.0.0.1', healthy).response)),
      ),
      Rcode.Refused,
    );
  });
  it('REFUSES everything, not authoritative, on the minority side', () => {
    const minority = stateWith(['eu']);
    minority.observe('router-eu', { status: statusWith(false) }, 1);
    const r = ask('api.gslb.example.com', 'A', {}, minority);
    assert.equal(rcode(r), Rcode.Refused);
    assert.equal(r.flag_aa, false);
  });
  it('FORMERRs an ECS option of a wrong length, a bad family, or a non-zero scope', () => {
    assert.equal(
      rcode(ask('geo.gslb.example.com', 'A', { additionals: [ecs(1, 24, 0, [10, 2])] })),
      Rcode.FormErr,
    );
    assert.equal(
      rcode(ask('geo.gslb.example.com', 'A', { additionals: [ecs(1, 24, 0, [10, 2, 9, 1])] })),
      Rcode.FormErr,
    );
    assert.equal(
      rcode(ask('geo.gslb.example.com', 'A', { additionals: [ecs(7, 24, 0, [10, 2, 9])] })),
      Rcode.FormErr,
    );
    assert.equal(
      rcode(ask('geo.gslb.example.com', 'A', { additionals: [ecs(1, 24, 24, [10, 2, 9])] })),
      Rcode.FormErr,
    );
  });
  it('FORMERRs two OPT records and BADVERSes EDNS version 1 (RFC 6891)', () => {
    const opt = ecs(1, 0, 0, []);
    assert.equal(
      rcode(ask('api.gslb.example.com', 'A', { additionals: [opt, opt] })),
      Rcode.FormErr,
    );
    const r = ask('api.gslb.example.com', 'A', { additionals: [{ ...opt, ednsVersion: 1 }] });
    const back = r.additionals?.find((a) => a.type === 'OPT') as OptAnswer;
    assert.equal((back.extendedRcode << 4) | rcode(r), Rcode.BadVers);
  });
});

describe('answerGslbQuery: client subnet', () => {
  it('answers by the ECS subnet and echoes it with the scope the answer depends on (RFC 7871 §7.2.1)', () => {
    const r = ask(
      'geo.gslb.example.com',
      'A',
      { additionals: [ecs(1, 24, 0, [10, 2, 9])] },
      healthy,
      '10.1.0.1',
    );
    assert.deepEqual(data(r.answers), ['A 192.0.2.3']);
    const opt = r.additionals?.find((a) => a.type === 'OPT') as OptAnswer;
    const back = opt.options[0] as { code: number; data: Buffer };
    assert.equal(back.code, 8);
    assert.deepEqual([...back.data], [0, 1, 24, 24, 10, 2, 9]);
  });
  it('echoes scope 0 for strategies that ignore the client', () => {
    const r = ask('api.gslb.example.com', 'A', { additionals: [ecs(1, 24, 0, [10, 2, 9])] });
    const back = (r.additionals?.find((a) => a.type === 'OPT') as OptAnswer).options[0] as {
      data: Buffer;
    };
    assert.equal(back.data[3], 0);
  });
  it('never throws and always answers a well-formed message, whatever the bytes of an EDNS option', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.uint8Array({ maxLength: 48 }),
        fc.constantFrom('geo.gslb.example.com', 'api.gslb.example.com', 'x.example'),
        (code, bytes, name) => {
          const query: Packet = {
            type: 'query',
            id: 9,
            questions: [{ name, type: 'A' }],
            additionals: [
              {
                type: 'OPT',
                name: '.',
                udpPayloadSize: 4096,
                extendedRcode: 0,
                ednsVersion: 0,
                flags: 0,
                flag_do: false,
                options: [{ code: code as 8, ip: undefined, data: Buffer.from(bytes) }],
              },
            ],
          };
          const wire = dnsPacket.encode(query);
          const decoded = decodeQuery(wire);
          if (decoded.kind !== 'query') return;
          const r = dnsPacket.decode(
            dnsPacket.encode(answerGslbQuery(decoded.packet, '10.1.0.1', healthy).response),
          );
          assert.ok(
            [Rcode.NoError, Rcode.FormErr, Rcode.Refused].includes(rcode(r) as 0),
            `rcode ${rcode(r)}`,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('never throws on hostile whole messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 120 }), (bytes) => {
        const decoded = decodeQuery(Buffer.from(bytes));
        if (decoded.kind !== 'query') return;
        dnsPacket.encode(answerGslbQuery(decoded.packet, '10.1.0.1', healthy).response);
      }),
      { numRuns: 3000 },
    );
  });
});
