import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { DnsServer } from './dns-server.js';
import { clustersetFixture } from './dns-view-fixture.js';
import type { DnsServiceView, DnsView } from './dns-view.js';
import { encodeTcpFrame, TcpFrameReader } from './tcp-frame-reader.js';

const run = promisify(execFile);

// 100 ready endpoints: about 4.5 KB of A records, more than any UDP payload we accept.
const big: DnsServiceView = {
  type: 'Headless',
  ips: [],
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  endpoints: Array.from({ length: 100 }, (_, i) => ({
    site: i % 2 === 0 ? 'east' : 'west.eu.example',
    hostname: `big-${i}`,
    addresses: [`10.9.${i >> 8}.${i & 255}`],
  })),
};
const base = clustersetFixture();
const view: DnsView = {
  service: (name, namespace) =>
    name === 'big' && namespace === 'shop' ? big : base.service(name, namespace),
  namespaceExists: (namespace) => base.namespaceExists(namespace),
  sites: () => base.sites(),
};

interface DigResult {
  status: string;
  flags: string[];
  question: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  raw: string;
}

/** Parses dig's default output: the header line and each section's records. */
function parseDig(raw: string): DigResult {
  const section = (title: string): string[] => {
    const match = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(raw);
    return match?.[1]?.split('\n').filter((line) => line !== '' && !line.startsWith(';;')) ?? [];
  };
  return {
    status: /status: (\w+)/.exec(raw)?.[1] ?? 'none',
    flags: (/;; flags: ([a-z ]*);/.exec(raw)?.[1] ?? '').split(' ').filter(Boolean),
    question: section('QUESTION'),
    answer: section('ANSWER'),
    authority: section('AUTHORITY'),
    additional: section('ADDITIONAL'),
    raw,
  };
}

const records = (lines: string[], type: string): string[] =>
  lines
    .map((l) => l.split(/\s+/))
    .filter((f) => f[3] === type)
    .map((f) => f.slice(4).join(' '))
    .sort();

describe('DnsServer with dig on 127.0.0.1', () => {
  const server = new DnsServer(view, {
    targetedSuffix: 'causeway',
    logger: { warn: (obj, msg) => assert.fail(`unexpected warning ${msg} ${JSON.stringify(obj)}`) },
  });
  let port = 0;
  const dig = async (...args: string[]): Promise<DigResult> => {
    const { stdout } = await run('dig', [
      '@127.0.0.1',
      '-p',
      String(port),
      '+time=2',
      '+tries=1',
      ...args,
    ]);
    return parseDig(stdout);
  };

  before(async () => {
    port = (await server.listen('127.0.0.1', 0)).port;
  });
  after(() => server.close());

  it('listens on UDP and TCP at one port', () => {
    assert.deepEqual(server.address(), { host: '127.0.0.1', port });
    assert.ok(port > 0);
  });
  it('answers A for a ClusterSetIP service, authoritatively', async () => {
    const r = await dig('web.shop.svc.clusterset.local', 'A');
    assert.equal(r.status, 'NOERROR');
    assert.ok(r.flags.includes('aa'));
    assert.deepEqual(records(r.answer, 'A'), ['10.96.0.10']);
    assert.match(r.answer[0] ?? '', /^web\.shop\.svc\.clusterset\.local\.\s+5\s+IN\s+A/);
  });
  it('answers AAAA for a dual-stack service', async () => {
    assert.deepEqual(
      records((await dig('dual.shop.svc.clusterset.local', 'AAAA')).answer, 'AAAA'),
      ['fd00:96::20'],
    );
  });
  it('answers SRV with glue in the additional section', async () => {
    const r = await dig('_dns-tcp._tcp.web.shop.svc.clusterset.local', 'SRV');
    assert.deepEqual(records(r.answer, 'SRV'), ['0 100 42 web.shop.svc.clusterset.local.']);
    assert.deepEqual(records(r.additional, 'A'), ['10.96.0.10']);
    const headless = await dig('_pg._tcp.db.shop.svc.clusterset.local', 'SRV');
    assert.equal(records(headless.answer, 'SRV').length, 3);
    assert.ok(
      records(headless.answer, 'SRV').includes(
        '0 100 5432 db-0.west.eu.example.db.shop.svc.clusterset.local.',
      ),
    );
  });
  it('answers SRV at the bare name once per distinct port', async () => {
    assert.deepEqual(records((await dig('web.shop.svc.clusterset.local', 'SRV')).answer, 'SRV'), [
      '0 100 42 web.shop.svc.clusterset.local.',
      '0 100 8080 web.shop.svc.clusterset.local.',
    ]);
  });
  it('answers TXT at dns-version', async () => {
    assert.deepEqual(records((await dig('dns-version.clusterset.local', 'TXT')).answer, 'TXT'), [
      '"1.0.0"',
    ]);
  });
  it('tells NXDOMAIN from NODATA, both with the zone SOA in AUTHORITY', async () => {
    const nx = await dig('nope.shop.svc.clusterset.local', 'A');
    assert.equal(nx.status, 'NXDOMAIN');
    assert.deepEqual(nx.answer, []);
    assert.match(
      nx.authority[0] ?? '',
      /^clusterset\.local\.\s+5\s+IN\s+SOA\s+ns\.dns\.clusterset\.local\. hostmaster\.clusterset\.local\. 1 7200 1800 86400 5$/,
    );
    const reserved = await dig('east.web.shop.svc.clusterset.local', 'A');
    assert.equal(reserved.status, 'NXDOMAIN');
    const nodata = await dig('web.shop.svc.clusterset.local', 'AAAA');
    assert.equal(nodata.status, 'NOERROR');
    assert.deepEqual(nodata.answer, []);
    assert.equal(records(nodata.authority, 'SOA').length, 1);
    const apex = await dig('clusterset.local', 'A');
    assert.equal(apex.status, 'NOERROR');
    assert.equal(records(apex.authority, 'SOA').length, 1);
  });
  it('refuses names outside its zones', async () => {
    const r = await dig('example.com', 'A');
    assert.equal(r.status, 'REFUSED');
    assert.ok(!r.flags.includes('aa'));
  });
  it('answers over TCP (+tcp)', async () => {
    const before = server.stats().queries.tcp;
    const r = await dig('+tcp', 'db-0.east.db.shop.svc.clusterset.local', 'A');
    assert.deepEqual(records(r.answer, 'A'), ['10.1.0.5']);
    assert.equal(server.stats().queries.tcp, before + 1);
  });
  it('truncates a 100-endpoint answer over UDP, and dig retries over TCP by itself', async () => {
    const before = server.stats();
    const r = await dig('big.shop.svc.clusterset.local', 'A');
    assert.match(r.raw, /Truncated, retrying in TCP mode/);
    assert.equal(records(r.answer, 'A').length, 100);
    const after = server.stats();
    assert.equal(after.truncated, before.truncated + 1);
    assert.equal(after.queries.tcp, before.queries.tcp + 1);
  });
  it('answers +norecurse queries without RD and never claims RA', async () => {
    const r = await dig('+norecurse', 'web.shop.svc.clusterset.local', 'A');
    assert.deepEqual(r.flags.sort(), ['aa', 'qr']);
    assert.deepEqual(records(r.answer, 'A'), ['10.96.0.10']);
  });
  it('answers uppercase names, echoing the case asked', async () => {
    const r = await dig('WEB.SHOP.SVC.CLUSTERSET.LOCAL', 'A');
    assert.deepEqual(records(r.answer, 'A'), ['10.96.0.10']);
    assert.match(r.question[0] ?? '', /^;WEB\.SHOP\.SVC\.CLUSTERSET\.LOCAL\./);
  });
  it('answers site-targeted names', async () => {
    assert.deepEqual(
      records((await dig('db.shop.svc.west.eu.example.causeway', 'A')).answer, 'A'),
      ['10.2.0.5'],
    );
    assert.equal((await dig('db.shop.svc.north.causeway', 'A')).status, 'NXDOMAIN');
  });
  it('counts answers by rcode', () => {
    const stats = server.stats();
    assert.ok((stats.responses.NOERROR ?? 0) > 5);
    assert.ok((stats.responses.NXDOMAIN ?? 0) >= 3);
    assert.ok((stats.responses.REFUSED ?? 0) >= 1);
  });
});

describe('DnsServer on raw sockets', () => {
  const server = new DnsServer(view, { tcpIdleTimeoutMs: 300 });
  let port = 0;
  before(async () => {
    port = (await server.listen('127.0.0.1', 0)).port;
  });
  after(() => server.close());

  const query = (id: number, name: string): Buffer =>
    dnsPacket.encode({ type: 'query', id, questions: [{ name, type: 'A' }] });

  it('answers several pipelined queries on one TCP connection, in order', async () => {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      Buffer.concat(
        [1, 2, 3].map((id) => encodeTcpFrame(query(id, 'web.shop.svc.clusterset.local'))),
      ),
    );
    const reader = new TcpFrameReader();
    const replies: Buffer[] = [];
    for await (const chunk of socket) {
      replies.push(...reader.push(chunk as Buffer));
      if (replies.length === 3) break;
    }
    assert.deepEqual(
      replies.map((r) => dnsPacket.decode(r).id),
      [1, 2, 3],
    );
    socket.destroy();
  });
  it('closes idle TCP connections', async () => {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const started = Date.now();
    await once(socket, 'close');
    assert.ok(Date.now() - started >= 250);
  });
  it('answers FORMERR to a broken UDP query, ignores garbage, and keeps serving', async () => {
    const udp = createSocket('udp4');
    udp.send(Buffer.from([0xab]), port, '127.0.0.1');
    udp.send(query(77, 'web.shop.svc.clusterset.local').subarray(0, 20), port, '127.0.0.1');
    const [broken] = (await once(udp, 'message')) as [Buffer];
    const formerr = dnsPacket.decode(broken);
    assert.equal(formerr.id, 77);
    assert.equal((formerr.flags ?? 0) & 0xf, 1);
    udp.send(query(78, 'web.shop.svc.clusterset.local'), port, '127.0.0.1');
    const [good] = (await once(udp, 'message')) as [Buffer];
    assert.equal(dnsPacket.decode(good).answers?.length, 1);
    udp.close();
    assert.equal(server.stats().dropped, 1);
  });
  it('refuses a second listen and reports a taken port as a CausewayError', async () => {
    await assert.rejects(server.listen('127.0.0.1', 0), { code: 'CW_CONFIG_INVALID' });
    const other = new DnsServer(view);
    await assert.rejects(other.listen('127.0.0.1', port), { code: 'CW_CONFIG_INVALID' });
    await other.close();
  });
});

describe('DnsServer with kdig (knot-dnsutils)', async () => {
  const hasKdig = await run('kdig', ['-V']).then(
    () => true,
    () => false,
  );
  const server = new DnsServer(view);
  let port = 0;
  before(async () => {
    if (hasKdig) port = (await server.listen('127.0.0.1', 0)).port;
  });
  after(() => server.close());
  const kdig = async (...args: string[]): Promise<string> =>
    (await run('kdig', [`@127.0.0.1`, '-p', String(port), '+time=2', '+retry=0', ...args])).stdout;

  it('answers A, SRV and NXDOMAIN', { skip: !hasKdig && 'kdig not installed' }, async () => {
    assert.match(
      await kdig('web.shop.svc.clusterset.local', 'A'),
      /web\.shop\.svc\.clusterset\.local\.\s+5\s+IN\s+A\s+10\.96\.0\.10/,
    );
    assert.match(
      await kdig('_pg._tcp.db.shop.svc.clusterset.local', 'SRV'),
      /SRV\s+0 100 5432 db-0\.east\.db\.shop\.svc\.clusterset\.local\./,
    );
    assert.match(await kdig('nope.shop.svc.clusterset.local', 'A'), /status: NXDOMAIN/);
  });
  it(
    'retries a truncated answer over TCP',
    { skip: !hasKdig && 'kdig not installed' },
    async () => {
      const out = await kdig('big.shop.svc.clusterset.local', 'A');
      assert.equal(out.match(/\sIN\s+A\s+10\.9\./g)?.length, 100);
      // kdig lowercases the name before sending it, so this checks +tcp, not case handling.
      assert.match(
        await kdig('+tcp', 'WEB.shop.svc.clusterset.local', 'A'),
        /web\.shop\.svc\.clusterset\.local\.\s+5\s+IN\s+A\s+10\.96\.0\.10[\s\S]*\(TCP\)/,
      );
    },
  );
});
