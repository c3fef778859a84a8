import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { metricValue } from '../support/router-observations.js';
import { freePort } from '../support/tcp-probes.js';

/**
 * a dials c, b dials a and c. When a comes back on another address, b's configured endpoint is
 * stale; b must learn a's new endpoints from a's signed advert, relayed by c, and dial those.
 */
describe('link endpoints survive restarts and address changes', () => {
  let fx: ClustersetFixture;
  const linkOf = (peer: string) => (s: { links: Array<{ peer: string; state: string }> }) =>
    s.links.find((l) => l.peer === peer);

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c']);
    for (const site of ['a', 'b', 'c']) await fx.startRouter(site);
    await fx.link('a', 'c');
    await fx.link('b', 'a');
    await fx.link('b', 'c');
    await fx.waitFor('b', (s) => linkOf('a')(s)?.state === 'up' && linkOf('c')(s)?.state === 'up');
    await fx.waitFor('a', (s) => linkOf('c')(s)?.state === 'up');
  });

  after(() => fx.close());

  it('keeps a link port chosen at first start (--listen 127.0.0.1:0) for the next start', async () => {
    const first = fx.routers.get('a')?.runtime.linkAddress.port;
    await fx.stopRouter('a');
    const again = await fx.startRouter('a');
    assert.equal(
      again.runtime.linkAddress.port,
      first,
      'the router chose another link port on restart',
    );
    await fx.waitFor('b', (s) => linkOf('a')(s)?.state === 'up');
  });

  it('shows a dialer that keeps failing in status, status --output json and metrics', async () => {
    await fx.stopRouter('a');
    const status = await fx.waitFor(
      'b',
      (s) => (s.links.find((l) => l.peer === 'a')?.dialFailures ?? 0) >= 2,
    );
    const link = status.links.find((l) => l.peer === 'a');
    assert.match(String(link?.lastError), /ECONNREFUSED/);
    const json = JSON.parse(
      (await fx.cli(['status', '--dir', fx.dir('b'), '--output', 'json'])).stdout,
    ) as typeof status;
    assert.ok((json.links.find((l) => l.peer === 'a')?.dialFailures ?? 0) >= 2);
    assert.match(
      (await fx.cli(['status', '--dir', fx.dir('b')])).stdout,
      /a: \d+ failed dial\(s\) in a row \(127\.0\.0\.1:\d+\); last: .*ECONNREFUSED/,
    );
    const metrics = await fx.routers.get('b')?.api.metrics();
    assert.ok(metricValue(metrics ?? '', 'causeway_link_dial_failures_total', { peer: 'a' }) >= 2);
    assert.ok(
      metricValue(metrics ?? '', 'causeway_link_dial_consecutive_failures', { peer: 'a' }) >= 2,
    );
  });

  it('redials a site that came back on another port, learned from its advert relayed by a third site', async () => {
    const moved = await freePort();
    const file = join(fx.dir('a'), 'site.yaml');
    const doc = parse(await readFile(file, 'utf8')) as { link: { listen: string } };
    doc.link.listen = `127.0.0.1:${moved}`;
    await writeFile(file, stringify(doc));
    await fx.startRouter('a');
    const status = await fx.waitFor('b', (s) => linkOf('a')(s)?.state === 'up', 30_000);
    const link = status.links.find((l) => l.peer === 'a');
    assert.equal(link?.endpoints[0], `127.0.0.1:${moved}`);
    assert.equal(link?.dialFailures, 0);
    const configured = (
      parse(await readFile(join(fx.dir('b'), 'site.yaml'), 'utf8')) as {
        links: Array<{ peer: string; endpoints: string[] }>;
      }
    ).links.find((l) => l.peer === 'a');
    assert.notEqual(
      configured?.endpoints[0],
      `127.0.0.1:${moved}`,
      'the test must not pass through the configured endpoint',
    );
    const metrics = await fx.routers.get('b')?.api.metrics();
    assert.equal(
      metricValue(metrics ?? '', 'causeway_link_dial_consecutive_failures', { peer: 'a' }),
      0,
    );
  });
});
