import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { sitePaths } from '../../src/config/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

/** GET /v1/partition on a router's local API: the status code is the safe-mode signal. */
function partition(dir: string): Promise<{
  status: number;
  body: { majority: boolean; reachable: string[]; unreachable: string[] };
}> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sitePaths(dir).apiSocket, path: '/v1/partition' }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitForPartition(
  dir: string,
  majority: boolean,
): Promise<{
  status: number;
  body: { majority: boolean; reachable: string[]; unreachable: string[] };
}> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const view = await partition(dir);
    if (view.body.majority === majority || Date.now() > deadline) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('partition view and safe mode', () => {
  let fx: ClustersetFixture;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b', 'c']);
    // a signals safe mode through a file as well as the API.
    const config = join(fx.dir('a'), 'site.yaml');
    const yaml = parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    yaml['partition'] = { safeModeFile: join(fx.root, 'a-safe-mode') };
    await import('node:fs/promises').then((fs) => fs.writeFile(config, stringify(yaml)));
    for (const site of ['a', 'b', 'c']) await fx.startRouter(site);
    await fx.link('b', 'a');
    await fx.link('c', 'a');
    await fx.link('c', 'b');
  });

  after(async () => {
    for (const site of ['b', 'c']) fx.routers.get(site)?.child.kill('SIGCONT');
    await fx.close();
  });

  it('is on the majority side while it reaches every member', async () => {
    const view = await waitForPartition(fx.dir('a'), true);
    await fx.waitFor(
      'a',
      (s) => s.partition?.members.length === 3 && s.partition.reachable.length === 3,
    );
    assert.equal(view.status, 200);
    await assert.rejects(stat(join(fx.root, 'a-safe-mode')));
  });

  it('turns to safe mode when it can reach only a minority, and back when they return', async () => {
    for (const site of ['b', 'c']) fx.routers.get(site)?.child.kill('SIGSTOP');
    const minority = await waitForPartition(fx.dir('a'), false);
    assert.equal(minority.status, 503);
    assert.deepEqual(minority.body.unreachable, ['b', 'c']);
    const file = JSON.parse(await readFile(join(fx.root, 'a-safe-mode'), 'utf8')) as {
      safeMode: boolean;
    };
    assert.equal(file.safeMode, true);
    const status = await fx.cli(['status', '--dir', fx.dir('a')]);
    assert.match(status.stdout, /MINORITY \(safe mode\)/);
    for (const site of ['b', 'c']) fx.routers.get(site)?.child.kill('SIGCONT');
    const back = await waitForPartition(fx.dir('a'), true);
    assert.equal(back.status, 200);
    await fx.waitFor('a', (s) => s.partition?.majority === true);
    // The file follows the verdict asynchronously: it must be gone shortly after, and stay gone.
    const deadline = Date.now() + 5_000;
    while (
      Date.now() < deadline &&
      (await stat(join(fx.root, 'a-safe-mode')).then(
        () => true,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(stat(join(fx.root, 'a-safe-mode')));
  });
});
