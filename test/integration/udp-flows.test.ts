import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { stopChild } from '../../src/demo/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { dig } from '../support/dig.js';
import { freePort } from '../support/tcp-probes.js';
import { startSocatHello, startUdpEcho, udpAsk, udpClient } from '../support/udp-probes.js';

/** A router's resident memory in bytes, from /proc. */
function rssOf(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function metricSum(metrics: string, pattern: RegExp): number {
  let total = 0;
  for (const line of metrics.split('\n'))
    if (pattern.test(line)) total += Number(line.split(' ').pop());
  return total;
}

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

  it('drops and counts datagrams of a flood instead of queueing them, with memory bounded', async () => {
    const to = imports.get('echo');
    assert.ok(to);
    const router = fx.routers.get('c');
    assert.ok(router);
    const client = await udpClient();
    sockets.push(client);
    await udpAsk(client, to.host, to.port, Buffer.from('warm'));
    const rssBefore = rssOf(router.child.pid);
    const payload = Buffer.alloc(1400, 1);
    const total = 150_000; // 210 MB offered, bounded in count and, below, in time
    const deadline = Date.now() + 20_000;
    let sent = 0;
    while (sent < total && Date.now() < deadline) {
      // Bursts as fast as the socket takes them; a pause per burst lets the sends complete.
      await new Promise<void>((resolve) => {
        for (let i = 0; i < 500; i++) client.send(payload, to.port, to.host);
        client.send(payload, to.port, to.host, () => resolve());
      });
      sent += 501;
    }
    const rssAfter = rssOf(router.child.pid);
    const metrics = await router.api.metrics();
    const dropped = metricSum(metrics, /^causeway_udp_datagrams_dropped_total\{.*service="echo"/);
    const delivered = metricSum(
      metrics,
      /^causeway_flow_bytes_total\{.*service="echo".*side="ingress".*client-to-backend/,
    );
    console.log(
      `flood: ${sent} datagrams offered (${((sent * 1400) / 1e6).toFixed(0)} MB), ${dropped} dropped and counted by the router, RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB, ${delivered} bytes counted in finished sessions`,
    );
    assert.ok(dropped > 0, 'a flood beyond what the link carries is dropped and counted');
    assert.ok(
      rssAfter - rssBefore < 96 * 2 ** 20,
      `router memory grew by ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MiB for a ${((sent * 1400) / 2 ** 20).toFixed(0)} MiB flood`,
    );
    // After the flood the session still works.
    const reply = await udpAsk(client, to.host, to.port, Buffer.from('after'));
    assert.match(reply.toString(), /^[ab]:after$/);
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
