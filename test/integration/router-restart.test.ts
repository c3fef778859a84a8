import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { sitePaths } from '../../src/config/index.js';
import type { RuntimeInfo } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

/**
 * A router killed with SIGKILL (the OOM killer, a failed liveness probe) leaves runtime.json and
 * its socket file behind. In a container its successor has the same pid, so the file names a live
 * process; the successor must start anyway, because no router answers on the socket.
 */
describe('router restart after SIGKILL', () => {
  let fx: ClustersetFixture;
  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initSite('east');
  });
  after(() => fx.close());

  it('starts when runtime.json names a live pid but no router answers on the socket', async () => {
    const first = await fx.startRouter('east');
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    fx.routers.delete('east');
    const paths = sitePaths(fx.dir('east'));
    const left = JSON.parse(await readFile(paths.runtime, 'utf8')) as RuntimeInfo;
    assert.equal(left.pid, first.child.pid, 'the killed router left its runtime file');
    // What a container restart looks like: the recorded pid is alive (here: this test process).
    await writeFile(paths.runtime, JSON.stringify({ ...left, pid: process.pid }));
    assert.equal(
      await first.api.runtime(),
      undefined,
      'a live pid with a dead socket is not a running router',
    );

    const second = await fx.startRouter('east');
    assert.equal(second.runtime.siteId, 'east');
    assert.equal((await second.api.status()).site.id, 'east');
  });

  it('still refuses a second router while the first answers', async () => {
    const result = await fx.cli(['site', 'run', '--dir', fx.dir('east')], true);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /already runs/);
  });
});
