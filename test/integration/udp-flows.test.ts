import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { stopChild } from '../../src/demo/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { dig } from '../support/dig.js';
import { freePort } from '../support/tcp-probes.js';
import { startSocatHello, startUdpEcho, udpAsk, udpClient } from '../support/udp-probes.js';

describe('UDP across sites', () => {
  let fx: ClustersetFixture;
  const sockets: Socket[] = [];
  const children: ChildProcess[] = [];
  const imports = new Map<string, { host: string; port: number }>();

  const expose = async (site: string, name: string, port: number, to: number): Promise<void> => {
    await fx.cli([
      'expose',
      name,
      '--namespace',
      'ops',
      '--port',
      String(port),
      '--to',
      `127.0.0.1:${to}`,
      '--protocol',
      'UDP',
      '--dir',
      fx.dir(site),
    ]);
  };
  const importUdp = async (name: string, port: number): Promise<void> => {
    await fx.cli([
      'import',
      name,
      '--namespace',
      'ops',
      '--port',
      String(port),
      '--protocol',
      'udp',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('c'),
    ]);
  };
  const importOf = async (
    name: string,
    exporters: number,
  ): Promise<{ host: string; port: number }> => {
    const status = await fx.waitFor('c', (s) =>
      s.imports.some(
        (i) =>
          i.name === name &&
          i.kind === 'configured' &&
          i.protocol === 'UDP' &&
          i.exporters.length === exporters,
      ),
    );
    const listen =
      status.imports.find((i) => i.name === name && i.kind === 'configured')?.listen ?? '';
    const cut = listen.lastIndexOf(':');
    return { host: listen.slice(0, cut), port: Number(listen.slice(cut + 1)) };
  };

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c']);
    for (const site of ['a', 'b', 'c']) await fx.startRouter(site);
    await fx.link('c', 'a');
    await fx.link('c', 'b');
    for (const site of ['a', 'b']) {
      const echo = await startUdpEcho(`${site}:`);
      sockets.push(echo.socket);
      await expose(site, 'echo', 7000, echo.port);
    }
    const hello = await freePort();
    children.push(startSocatHello('127.0.0.1', hello, 'hello-from-b'));
    await expose('b', 'hello', 42, hello);
    await importUdp('echo', 7000);
    await importUdp('hello', 42);
    imports.set('echo', await importOf('echo', 2));
    imports.set('hello', await importOf('hello', 1));
  });

  after(async () => {
    await fx.close();
    for (const s of sockets) s.close();
    await Promise.all(children.map((c) => stopChild(c)));
  });

  it('carries datagrams with their boundaries kept, one session sticking to one site', async () => {
    const to = imports.get('echo');
    assert.ok(to);
    const client = await udpClient();
    sockets.push(client);
    const first = (await udpAsk(client, to.host, to.port, Buffer.from('hi'))).toString();
    const site = first.slice(0, 2);
    assert.match(site, /^[ab]:$/);
    // Sizes from empty to near the 64 KiB limit: each comes back whole, never split or merged.
    for (const size of [0, 1, 512, 1472, 9000, 65_000]) {
      const payload = Buffer.alloc(size, size % 251);
      const reply = await udpAsk(client, to.host, to.port, payload);
      assert.equal(reply.length, size + 2, `a ${size}-byte datagram came back whole`);
      assert.equal(reply.subarray(0, 2).toString(), site, 'the session stays at its site');
      assert.deepEqual(reply.subarray(2), payload);
    }
  });

  it('answers a socat client from a socat hello server, as the MCS conformance Pods do', async () => {
    const to = imports.get('hello');
    assert.ok(to);
    const client = await udpClient();
    sockets.push(client);
    const reply = await udpAsk(client, to.host, to.port, Buffer.from('\n'));
    assert.equal(reply.toString().trim(), 'hello-from-b');
  });

  it('answers SRV at the _udp name of the port from the clusterset DNS', async () => {
    const status = await fx.status('c');
    assert.ok(status.dnsAddress);
    const srv = await dig(status.dnsAddress, '_udp-7000._udp.echo.ops.svc.clusterset.local', 'SRV');
    assert.equal(srv.status, 'NOERROR');
    assert.ok(
      srv.answers.some((a) => / SRV\s+\d+ \d+ 7000 echo\.ops\.svc\.clusterset\.local\.$/.test(a)),
      srv.answers.join('\n'),
    );
    const tcp = await dig(status.dnsAddress, '_udp-7000._tcp.echo.ops.svc.clusterset.local', 'SRV');
    assert.equal(tcp.answers.length, 0, 'the UDP port has no _tcp name');
  });

  it('moves a session to another site when its site dies', async () => {
    const to = imports.get('echo');
    assert.ok(to);
    const client = await udpClient();
    sockets.push(client);
    const first = (await udpAsk(client, to.host, to.port, Buffer.from('x'))).toString();
    const site = first.slice(0, 1);
    const other = site === 'a' ? 'b' : 'a';
    const stoppedAt = Date.now();
    await fx.stopRouter(site);
    // The client retransmits as a DNS or game client would; the session's next datagrams go to the survivor.
    let reply = '';
    while (!reply.startsWith(`${other}:`) && Date.now() - stoppedAt < 15_000)
      reply = (
        await udpAsk(client, to.host, to.port, Buffer.from('y'), { tries: 60, resendMs: 100 })
      ).toString();
    assert.equal(reply, `${other}:y`, `the session moved from ${site} to ${other}`);
    console.log(
      `UDP session failover ${site} → ${other}: ${Date.now() - stoppedAt} ms after the router stopped`,
    );
    const metrics = (await fx.routers.get('c')?.api.metrics()) ?? '';
    assert.match(
      metrics,
      /causeway_flow_retries_total\{service="echo",namespace="ops",reason="failover"\} [1-9]/,
    );
  });
});
