import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StatusReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { freePort } from '../support/tcp-probes.js';

describe('an export whose backend does not resolve or refuses is reported not ready, with the reason', () => {
  let fx: ClustersetFixture;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initSite('eu');
    await fx.startRouter('eu');
  });

  after(() => fx.close());

  const exportOf = (s: StatusReport, name: string) => s.exports.find((e) => e.name === name);

  for (const [name, to, reason] of [
    ['ghost', 'no-such-host.invalid:9000', /ENOTFOUND no-such-host\.invalid/],
    ['closed', '', /ECONNREFUSED/],
  ] as const) {
    it(`${name}: status and services say not ready and why`, async () => {
      const target = to === '' ? `127.0.0.1:${await freePort()}` : to;
      await fx.cli([
        'expose',
        name,
        '--namespace',
        'shop',
        '--port',
        '80',
        '--to',
        target,
        '--dir',
        fx.dir('eu'),
      ]);
      const status = await fx.waitFor('eu', (s) => exportOf(s, name)?.ready === false);
      assert.match(String(exportOf(status, name)?.reason), reason);

      const json = JSON.parse(
        (await fx.cli(['services', '--dir', fx.dir('eu'), '--output', 'json'])).stdout,
      ) as StatusReport['services'];
      const service = json.find((s) => s.name === name);
      assert.equal(service?.ready, false);
      assert.match(String(service?.notReadyHere?.[0]?.reason), reason);

      const text = (await fx.cli(['status', '--dir', fx.dir('eu')])).stdout;
      assert.match(text, new RegExp(`${name}\\.shop:80 not ready: .*${reason.source}`));
      assert.match(
        (await fx.cli(['services', '--dir', fx.dir('eu')])).stdout,
        new RegExp(`${name}\\.shop:80 → .* not ready here: `),
      );
    });
  }
});
