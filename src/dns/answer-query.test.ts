import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, RecordType, SoaAnswer, SrvAnswer } from 'dns-packet';
import { answerQuery } from './answer-query.js';
import { clustersetFixture } from './dns-view-fixture.js';
import type { DnsView } from './dns-view.js';
import { Rcode } from './rcode.js';

const OPTIONS = { zone: 'clusterset.local', targetedSuffix: 'causeway', ttl: 5 };
const view = clustersetFixture();

/** Asks one question and returns the response as a client would see it (encoded, then decoded). */
function ask(
  name: string,
  type: string = 'A',
  extra: Partial<Packet> = {},
  from: DnsView = view,
): DecodedPacket {
  const query: Packet = {
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as RecordType, class: 'IN' }],
    ...extra,
  };
  return dnsPacket.decode(dnsPacket.encode(answerQuery(query, from, OPTIONS)));
}

const rcode = (r: Packet): number => (r.flags ?? 0) & 0xf;
const data = (records: Answer[] | undefined): string[] =>
  (records ?? []).map((a) => (a.type === 'OPT' ? 'OPT' : format(a))).sort();
function format(a: Exclude<Answer, { type: 'OPT' }>): string {
  if (a.type === 'SRV')
    return `${a.data.priority} ${a.data.weight} ${a.data.port} ${a.data.target}`;
  if (a.type === 'TXT') return [a.data].flat().map(String).join(' ');
  // The remaining record types (A, AAAA, PTR, CNAME, NS) carry a string.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(a.data);
}

function assertAnswer(r: DecodedPacket, expected: string[]): void {
  assert.equal(rcode(r), Rcode.NoError);
  assert.ok(r.flag_aa, 'authoritative');
  assert.deepEqual(data(r.answers), [...expected].sort());
  assert.deepEqual(r.authorities, []);
}

function assertNegative(
  r: DecodedPacket,
  code: typeof Rcode.NoError | typeof Rcode.NxDomain,
  zone = 'clusterset.local',
): void {
  assert.equal(rcode(r), code, code === Rcode.NoError ? 'NODATA expected' : 'NXDOMAIN expected');
  assert.ok(r.flag_aa, 'authoritative');
  assert.deepEqual(r.answers, []);
  const soa = r.authorities?.[0] as SoaAnswer | undefined;
  assert.equal(r.authorities?.length, 1);
  assert.equal(soa?.type, 'SOA');
  assert.equal(soa?.name, zone);
  assert.equal(soa?.ttl, 5, 'negative TTL is the configured ttl');
  assert.equal(soa?.data.minimum, 5);
}
const nodata = (r: DecodedPacket, zone?: string): void => assertNegative(r, Rcode.NoError, zone);
const nxdomain = (r: DecodedPacket, zone?: string): void => assertNegative(r, Rcode.NxDomain, zone);

describe('answerQuery: dns-version (DNSSPEC §2.2)', () => {
  it('answers TXT "1.0.0"', () =>
    assertAnswer(ask('dns-version.clusterset.local', 'TXT'), ['1.0.0']));
  it('is NODATA for other types', () => nodata(ask('dns-version.clusterset.local', 'A')));
});

describe('answerQuery: ClusterSetIP services (§2.3)', () => {
  it('answers A with the clusterset IP', () => {
    const r = ask('web.shop.svc.clusterset.local');
    assertAnswer(r, ['10.96.0.10']);
    assert.equal(r.answers?.[0]?.type === 'A' && r.answers[0].ttl, 5);
  });
  it('answers NODATA for AAAA on an IPv4-only service and for other types', () => {
    nodata(ask('web.shop.svc.clusterset.local', 'AAAA'));
    nodata(ask('web.shop.svc.clusterset.local', 'MX'));
    nodata(ask('web.shop.svc.clusterset.local', 'TXT'));
  });
  it('answers A and AAAA separately for a dual-stack service, both for ANY', () => {
    assertAnswer(ask('dual.shop.svc.clusterset.local', 'A'), ['10.96.0.20']);
    assertAnswer(ask('dual.shop.svc.clusterset.local', 'AAAA'), ['fd00:96::20']);
    assertAnswer(ask('dual.shop.svc.clusterset.local', 'ANY'), [
      '10.96.0.20',
      'fd00:96::20',
      '0 100 80 dual.shop.svc.clusterset.local',
    ]);
    nodata(ask('v6only.shop.svc.clusterset.local', 'A'));
    assertAnswer(ask('v6only.shop.svc.clusterset.local', 'AAAA'), ['fd00:96::30']);
  });
  it('answers SRV at _<port>._<proto> for named ports, with the address in additional', () => {
    const r = ask('_dns-tcp._tcp.web.shop.svc.clusterset.local', 'SRV');
    assertAnswer(r, ['0 100 42 web.shop.svc.clusterset.local']);
    assert.deepEqual(data(r.additionals), ['10.96.0.10']);
    assert.equal(r.additionals?.[0]?.name, 'web.shop.svc.clusterset.local');
    assertAnswer(ask('_dns-udp._udp.web.shop.svc.clusterset.local', 'SRV'), [
      '0 100 42 web.shop.svc.clusterset.local',
    ]);
    assertAnswer(ask('_http._tcp.dual.shop.svc.clusterset.local', 'SRV'), [
      '0 100 80 dual.shop.svc.clusterset.local',
    ]);
  });
  it('has no SRV name for a port with the wrong protocol, an unknown name, or an unnamed port', () => {
    nxdomain(ask('_dns-tcp._udp.web.shop.svc.clusterset.local', 'SRV'));
    nxdomain(ask('_8080._tcp.web.shop.svc.clusterset.local', 'SRV'));
    nxdomain(ask('_http._tcp.web.shop.svc.clusterset.local', 'SRV'));
    nxdomain(ask('_dns-tcp._quic.web.shop.svc.clusterset.local', 'SRV'));
  });
  it('answers NODATA for A at an SRV name and at the _<proto> non-terminal', () => {
    nodata(ask('_dns-tcp._tcp.web.shop.svc.clusterset.local', 'A'));
    nodata(ask('_tcp.web.shop.svc.clusterset.local', 'A'));
    nxdomain(ask('_sctp.web.shop.svc.clusterset.local', 'A'));
  });
  it('answers SRV at the bare name once per distinct port number (conformance: tcp/42 + udp/42 is one record)', () => {
    const r = ask('web.shop.svc.clusterset.local', 'SRV');
    assertAnswer(r, [
      '0 100 42 web.shop.svc.clusterset.local',
      '0 100 8080 web.shop.svc.clusterset.local',
    ]);
    assert.deepEqual(data(r.additionals), ['10.96.0.10'], 'one glue record per target');
  });
  it('has no per-endpoint names', () => nxdomain(ask('web-1.east.web.shop.svc.clusterset.local')));
});

describe('answerQuery: Headless services (§2.4)', () => {
  it('answers A/AAAA with the ready endpoint addresses of all sites', () => {
    assertAnswer(ask('db.shop.svc.clusterset.local', 'A'), ['10.1.0.5', '10.1.0.6', '10.2.0.5']);
    assertAnswer(ask('db.shop.svc.clusterset.local', 'AAAA'), ['fd00::5']);
  });
  it('answers NXDOMAIN for every name of a headless service without ready endpoints (§2.4.1)', () => {
    for (const type of ['A', 'AAAA', 'SRV', 'TXT'])
      nxdomain(ask('idle.shop.svc.clusterset.local', type));
    nxdomain(ask('_pg._tcp.idle.shop.svc.clusterset.local', 'SRV'));
  });
  it('answers <hostname>.<site>.<svc> with that endpoint, multi-label site ids included', () => {
    assertAnswer(ask('db-0.east.db.shop.svc.clusterset.local', 'A'), ['10.1.0.5']);
    assertAnswer(ask('10-1-0-6.east.db.shop.svc.clusterset.local', 'A'), ['10.1.0.6']);
    assertAnswer(ask('db-0.west.eu.example.db.shop.svc.clusterset.local', 'A'), ['10.2.0.5']);
    assertAnswer(ask('db-0.west.eu.example.db.shop.svc.clusterset.local', 'AAAA'), ['fd00::5']);
    nodata(ask('db-0.east.db.shop.svc.clusterset.local', 'AAAA'));
    nxdomain(ask('db-9.east.db.shop.svc.clusterset.local', 'A'));
    nxdomain(ask('db-0.north.db.shop.svc.clusterset.local', 'A'));
    nxdomain(ask('db-0.eu.example.db.shop.svc.clusterset.local', 'A'), 'clusterset.local');
  });
  it('answers SRV at _<port>._<proto>: N endpoints x M named ports, targets per endpoint', () => {
    const r = ask('_pg._tcp.db.shop.svc.clusterset.local', 'SRV');
    assertAnswer(r, [
      '0 100 5432 db-0.east.db.shop.svc.clusterset.local',
      '0 100 5432 10-1-0-6.east.db.shop.svc.clusterset.local',
      '0 100 5432 db-0.west.eu.example.db.shop.svc.clusterset.local',
    ]);
    assert.deepEqual(data(r.additionals), ['10.1.0.5', '10.1.0.6', '10.2.0.5', 'fd00::5']);
  });
  it('answers SRV at the bare name: one per endpoint per distinct port', () => {
    const r = ask('db.shop.svc.clusterset.local', 'SRV');
    assert.equal(r.answers?.length, 6);
    assert.ok(
      r.answers?.every((a) => a.type === 'SRV' && /^(db-0|10-1-0-6)\./.test(a.data.target)),
    );
  });
});

describe('answerQuery: reserved and structural names', () => {
  it('never lets <site>.<svc>.<ns>.svc.<zone> exist (§2.3.4, §2.4.4)', () => {
    for (const type of ['A', 'AAAA', 'SRV']) {
      nxdomain(ask('east.web.shop.svc.clusterset.local', type));
      nxdomain(ask('east.db.shop.svc.clusterset.local', type));
      nxdomain(ask('west.eu.example.db.shop.svc.clusterset.local', type));
      nxdomain(ask('west.eu.example.web.shop.svc.clusterset.local', type));
    }
  });
  it('answers NXDOMAIN for unknown services, absent namespaces and names off the schema', () => {
    nxdomain(ask('nope.shop.svc.clusterset.local'));
    nxdomain(ask('web.elsewhere.svc.clusterset.local'));
    nxdomain(ask('web.empty.svc.clusterset.local'));
    nxdomain(ask('pod.clusterset.local'));
    nxdomain(ask('web.shop.pod.clusterset.local'));
    nxdomain(ask('a.b.c.d.web.shop.svc.clusterset.local'));
  });
  it('answers NXDOMAIN for too-long names and labels', () => {
    const label63 = 'a'.repeat(63);
    const long = `${[label63, label63, label63, 'a'.repeat(50)].join('.')}.clusterset.local`;
    assert.ok(long.length > 253);
    assert.equal(
      rcode(answerQuery({ id: 1, questions: [{ name: long, type: 'A' }] }, view, OPTIONS)),
      Rcode.NxDomain,
    );
    const bigLabel = answerQuery(
      { id: 1, questions: [{ name: `${'a'.repeat(64)}.shop.svc.clusterset.local`, type: 'A' }] },
      view,
      OPTIONS,
    );
    assert.equal(rcode(bigLabel), Rcode.NxDomain);
    assert.deepEqual(bigLabel.questions, [], 'an unencodable question is not echoed');
    assert.doesNotThrow(() => dnsPacket.encode(bigLabel));
    nxdomain(ask(`${label63}.${label63}.svc.clusterset.local`));
  });
  it('answers NODATA at the apex, svc.<zone> and <ns>.svc.<zone>, SOA at the apex', () => {
    nodata(ask('clusterset.local', 'A'));
    nodata(ask('clusterset.local', 'NS'));
    nodata(ask('svc.clusterset.local', 'A'));
    nodata(ask('shop.svc.clusterset.local', 'A'));
    nodata(ask('empty.svc.clusterset.local', 'SRV'));
    const soa = ask('clusterset.local', 'SOA');
    assert.equal(rcode(soa), Rcode.NoError);
    assert.equal(soa.answers?.[0]?.type, 'SOA');
    assert.equal(
      soa.answers[0].type === 'SOA' && soa.answers[0].data.serial,
      42,
      'serial from view.version()',
    );
  });
  it('answers NXDOMAIN for <ns>.svc.<zone> when the namespace is not present locally', () =>
    nxdomain(ask('absent.svc.clusterset.local')));
  it('refuses names outside its zones, without AA', () => {
    for (const name of [
      'example.com',
      'local',
      'clusterset.local.example',
      'xclusterset.local',
      '.',
    ]) {
      const r = ask(name);
      assert.equal(rcode(r), Rcode.Refused, name);
      assert.equal(r.flag_aa, false);
      assert.deepEqual(r.authorities, []);
    }
  });
  it('refuses other classes and zone transfers', () => {
    const chaos = answerQuery(
      { id: 1, questions: [{ name: 'web.shop.svc.clusterset.local', type: 'TXT', class: 'CH' }] },
      view,
      OPTIONS,
    );
    assert.equal(rcode(chaos), Rcode.Refused);
    assert.equal(rcode(ask('clusterset.local', 'AXFR')), Rcode.Refused);
  });
});

describe('answerQuery: names compare case-insensitively', () => {
  it('answers mixed case, echoing the question and owner names as asked', () => {
    const r = ask('WEB.Shop.SVC.ClusterSet.LOCAL');
    assertAnswer(r, ['10.96.0.10']);
    assert.equal(r.questions?.[0]?.name, 'WEB.Shop.SVC.ClusterSet.LOCAL');
    assert.equal(r.answers?.[0]?.name, 'WEB.Shop.SVC.ClusterSet.LOCAL');
    assertAnswer(ask('DB-0.WEST.EU.Example.DB.shop.svc.clusterset.local'), ['10.2.0.5']);
    assert.equal(ask('_PG._TCP.db.shop.svc.clusterset.local', 'SRV').answers?.length, 3);
    assertAnswer(ask('web.shop.svc.EAST.Causeway'), ['10.96.1.10']);
  });
  it('accepts a trailing dot', () =>
    assertAnswer(ask('web.shop.svc.clusterset.local.'), ['10.96.0.10']));
});

describe('answerQuery: site-targeted zone', () => {
  it("answers a ClusterSetIP service with the site VIP when given, else that site's endpoints", () => {
    assertAnswer(ask('web.shop.svc.east.causeway'), ['10.96.1.10']);
    assertAnswer(ask('web.shop.svc.west.eu.example.causeway'), ['10.2.0.1']);
    assertAnswer(ask('_dns-tcp._tcp.web.shop.svc.east.causeway', 'SRV'), [
      '0 100 42 web.shop.svc.east.causeway',
    ]);
    assertAnswer(ask('web.shop.svc.east.causeway', 'SRV'), [
      '0 100 42 web.shop.svc.east.causeway',
      '0 100 8080 web.shop.svc.east.causeway',
    ]);
  });
  it("answers a Headless service with only that site's endpoints; SRV targets the clusterset endpoint names", () => {
    assertAnswer(ask('db.shop.svc.east.causeway'), ['10.1.0.5', '10.1.0.6']);
    assertAnswer(ask('db.shop.svc.WEST.eu.example.causeway', 'AAAA'), ['fd00::5']);
    assertAnswer(ask('_pg._tcp.db.shop.svc.west.eu.example.causeway', 'SRV'), [
      '0 100 5432 db-0.west.eu.example.db.shop.svc.clusterset.local',
    ]);
  });
  it('answers NXDOMAIN for unknown sites, services with nothing at that site, and per-endpoint names', () => {
    nxdomain(ask('web.shop.svc.north.causeway'), 'causeway');
    nxdomain(ask('dual.shop.svc.east.causeway'), 'causeway');
    nxdomain(ask('idle.shop.svc.east.causeway'), 'causeway');
    nxdomain(ask('db-0.db.shop.svc.east.causeway'), 'causeway');
    nxdomain(ask('nope.shop.svc.east.causeway'), 'causeway');
  });
  it('answers NODATA at the apex, the site labels and the namespace', () => {
    nodata(ask('causeway'), 'causeway');
    nodata(ask('east.causeway'), 'causeway');
    nodata(ask('eu.example.causeway'), 'causeway');
    nodata(ask('svc.west.eu.example.causeway'), 'causeway');
    nodata(ask('shop.svc.east.causeway'), 'causeway');
  });
  it('is refused when no targeted suffix is configured', () => {
    const r = answerQuery(
      { id: 1, questions: [{ name: 'web.shop.svc.east.causeway', type: 'A' }] },
      view,
      { zone: 'clusterset.local', ttl: 5 },
    );
    assert.equal(rcode(r), Rcode.Refused);
  });
});

describe('answerQuery: header handling', () => {
  it('echoes id and RD, sets QR and AA, never RA', () => {
    const r = ask('web.shop.svc.clusterset.local');
    assert.equal(r.id, 4242);
    assert.equal(r.type, 'response');
    assert.ok(r.flag_rd && r.flag_aa && !r.flag_ra && !r.flag_tc);
  });
  it('answers NOTIMP for opcodes other than QUERY', () => {
    for (const opcode of [1, 2, 4, 5]) {
      const r = ask('web.shop.svc.clusterset.local', 'A', { flags: opcode << 11 });
      assert.equal(rcode(r), Rcode.NotImp);
      assert.equal(((r.flags ?? 0) >> 11) & 0xf, opcode, 'opcode echoed');
    }
  });
  it('answers FORMERR for zero or several questions', () => {
    assert.equal(rcode(answerQuery({ id: 1, questions: [] }, view, OPTIONS)), Rcode.FormErr);
    const two = answerQuery(
      {
        id: 1,
        questions: [
          { name: 'web.shop.svc.clusterset.local', type: 'A' },
          { name: 'db.shop.svc.clusterset.local', type: 'A' },
        ],
      },
      view,
      OPTIONS,
    );
    assert.equal(rcode(two), Rcode.FormErr);
  });
  it('answers EDNS queries with an OPT record, and BADVERS for EDNS versions above 0', () => {
    const opt = (ednsVersion: number): Answer => ({
      type: 'OPT',
      name: '.',
      udpPayloadSize: 4096,
      extendedRcode: 0,
      ednsVersion,
      flags: 0,
      flag_do: false,
      options: [],
    });
    const r = ask('web.shop.svc.clusterset.local', 'A', { additionals: [opt(0)] });
    const echoed = r.additionals?.find((a) => a.type === 'OPT');
    assert.equal(echoed?.type === 'OPT' && echoed.udpPayloadSize, 1232);
    const badvers = ask('web.shop.svc.clusterset.local', 'A', { additionals: [opt(1)] });
    const badOpt = badvers.additionals?.find((a) => a.type === 'OPT');
    assert.equal(rcode(badvers), 0);
    assert.equal(
      badOpt?.type === 'OPT' && badOpt.extendedRcode,
      1,
      'BADVERS = 16 = extended 1, header 0',
    );
    assert.equal(
      rcode(ask('web.shop.svc.clusterset.local', 'A', { additionals: [opt(0), opt(0)] })),
      Rcode.FormErr,
    );
  });
  it('uses the configured TTL everywhere', () => {
    const query: Packet = {
      id: 1,
      questions: [{ name: '_pg._tcp.db.shop.svc.clusterset.local', type: 'SRV' }],
    };
    const r = answerQuery(query, view, { ...OPTIONS, ttl: 30 });
    assert.ok(
      [...(r.answers ?? []), ...(r.additionals ?? [])].every(
        (a) => a.type !== 'OPT' && a.ttl === 30,
      ),
    );
  });
  it('skips view data that cannot be encoded instead of corrupting the message', () => {
    const broken: DnsView = {
      service: () => ({
        type: 'Headless',
        ips: [],
        ports: [{ name: 'p', port: 1, protocol: 'TCP' }],
        endpoints: [
          { site: 'east', hostname: 'x'.repeat(80), addresses: ['not-an-ip', '10.0.0.1'] },
        ],
      }),
      namespaceExists: () => true,
      sites: () => new Set(['east']),
    };
    assertAnswer(ask('s.n.svc.clusterset.local', 'A', {}, broken), ['10.0.0.1']);
    nodata(ask('_p._tcp.s.n.svc.clusterset.local', 'SRV', {}, broken));
  });
  it('SRV answers are well-formed RFC 2782 records', () => {
    const r = ask('_pg._tcp.db.shop.svc.clusterset.local', 'SRV');
    const srv = r.answers?.[0] as SrvAnswer;
    assert.equal(srv.data.priority, 0);
    assert.equal(srv.data.weight, 100);
  });
});
