import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { StatusReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import {
  metricValue,
  routerLog,
  waitForLogLines,
  type LogLine,
} from '../support/router-observations.js';

const linkTo = (peer: string) => (s: StatusReport) => s.links.find((l) => l.peer === peer);
const configuredPeers = async (fx: ClustersetFixture, site: string): Promise<string[]> =>
  (
    (
      parse(await readFile(join(fx.dir(site), 'site.yaml'), 'utf8')) as {
        links?: Array<{ peer: string }>;
      }
    ).links ?? []
  ).map((l) => l.peer);

/** b dials a (b redeemed a's token). */
describe('link remove works from either end and closes the link on both', () => {
  let fx: ClustersetFixture;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b']);
    await fx.startRouter('a');
    await fx.startRouter('b');
  });

  after(() => fx.close());

  async function linkUp(): Promise<void> {
    await fx.link('b', 'a');
    await fx.waitFor('a', (s) => linkTo('b')(s)?.state === 'up');
    await fx.waitFor('b', (s) => linkTo('a')(s)?.state === 'up');
  }

  it('on the dialed site: closes the inbound link, and the dialer drops the link for good', async () => {
    await linkUp();
    const removed = await fx.cli(['link', 'remove', 'b', '--dir', fx.dir('a'), '--output', 'json']);
    assert.deepEqual(JSON.parse(removed.stdout), {
      removed: 'b',
      live: true,
      dialed: false,
      inbound: true,
    });
    // Gone from status on both ends, not listed as an inbound link that is down (a peer expected back).
    await fx.waitFor('a', (s) => linkTo('b')(s) === undefined);
    await fx.waitFor('b', (s) => linkTo('a')(s) === undefined);
    assert.deepEqual(
      await configuredPeers(fx, 'b'),
      [],
      'b still has the link configured, so it would dial again',
    );
  });

  it('refuses the removed peer if it dials anyway, and tells it to stop', async () => {
    // b gets its old link back by hand (a backup restored, say): a refuses it at HELLO.
    const file = join(fx.dir('b'), 'site.yaml');
    const text = await readFile(file, 'utf8');
    const endpoint = fx.routers.get('a')?.runtime.linkAddress;
    await writeFile(
      file,
      `${text.replace(/^links: \[\]\n/m, '')}links:\n  - peer: a\n    endpoints: ["127.0.0.1:${endpoint?.port ?? 0}"]\n`,
    );
    await fx.routers.get('b')?.api.reload();
    await waitForLogLines(
      fx.dir('b'),
      (l) => l.msg === 'the peer removed this link: not dialing it again (a new token links again)',
      2,
      15_000,
    );
    const metrics = await fx.routers.get('a')?.api.metrics();
    assert.ok(
      metricValue(metrics ?? '', 'causeway_link_rejections_total', { reason: 'removed' }) >= 1,
    );
    const deadline = Date.now() + 10_000;
    while ((await configuredPeers(fx, 'b')).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await configuredPeers(fx, 'b'), []);
  });

  it('a new token links them again; then removing on the dialing site closes it on both', async () => {
    await linkUp();
    const removed = await fx.cli(['link', 'remove', 'a', '--dir', fx.dir('b'), '--output', 'json']);
    assert.deepEqual(JSON.parse(removed.stdout), {
      removed: 'a',
      live: true,
      dialed: true,
      inbound: false,
    });
    await fx.waitFor('a', (s) => linkTo('b')(s) === undefined);
    await fx.waitFor('b', (s) => linkTo('a')(s) === undefined);
    assert.deepEqual(await configuredPeers(fx, 'b'), []);
    const unknown = await fx.cli(['link', 'remove', 'a', '--dir', fx.dir('b')], true);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /this site has no link to a/);
    // The site that removed the link may link again with a new token: it no longer refuses a.
    await linkUp();
  });

  it('on the dialed site while the link is down: removed all the same, and the dialer is refused when it comes back', async () => {
    await fx.stopRouter('b');
    await fx.waitFor('a', (s) => linkTo('b')(s)?.state === 'down');
    const removed = await fx.cli(['link', 'remove', 'b', '--dir', fx.dir('a'), '--output', 'json']);
    assert.deepEqual(JSON.parse(removed.stdout), {
      removed: 'b',
      live: true,
      dialed: false,
      inbound: true,
    });
    await fx.waitFor('a', (s) => linkTo('b')(s) === undefined);
    const told = (l: LogLine): boolean =>
      l.msg === 'the peer removed this link: not dialing it again (a new token links again)';
    const toldBefore = (await routerLog(fx.dir('b'))).filter(told).length;
    await fx.startRouter('b');
    await waitForLogLines(fx.dir('b'), told, toldBefore + 1, 15_000);
    const deadline = Date.now() + 10_000;
    while ((await configuredPeers(fx, 'b')).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await configuredPeers(fx, 'b'), []);
    assert.equal(linkTo('b')(await fx.status('a')), undefined);
  });
});
