import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

describe('causeway lease', () => {
  let fx: ClustersetFixture;
  let file: string;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initClusterset(['a', 'b']);
    file = join(fx.root, 'leases.json');
  });

  after(() => fx.close());

  it('hands a lease to one site at a time with a fencing token that grows on every change of holder', async () => {
    const acquire = (site: string) =>
      fx.cli(
        [
          'lease',
          'acquire',
          'payments-writer',
          '--ttl',
          '30s',
          '--file',
          file,
          '--dir',
          fx.dir(site),
          '--output',
          'json',
        ],
        true,
      );
    const first = await acquire('a');
    assert.equal(first.code, 0, first.stderr);
    const held = JSON.parse(first.stdout) as {
      acquired: boolean;
      lease: { holder: string; fencingToken: number };
    };
    assert.deepEqual([held.acquired, held.lease.holder], [true, 'a']);
    const refused = await acquire('b');
    assert.equal(refused.code, 4);
    assert.equal((JSON.parse(refused.stdout) as { lease: { holder: string } }).lease.holder, 'a');
    const renewed = JSON.parse((await acquire('a')).stdout) as { lease: { fencingToken: number } };
    assert.equal(renewed.lease.fencingToken, held.lease.fencingToken);
    assert.equal(
      (
        await fx.cli(
          ['lease', 'release', 'payments-writer', '--file', file, '--dir', fx.dir('b')],
          true,
        )
      ).code,
      4,
    );
    await fx.cli(['lease', 'release', 'payments-writer', '--file', file, '--dir', fx.dir('a')]);
    const taken = JSON.parse((await acquire('b')).stdout) as {
      acquired: boolean;
      lease: { holder: string; fencingToken: number };
    };
    assert.equal(taken.acquired, true);
    assert.ok(taken.lease.fencingToken > held.lease.fencingToken);
    const list = await fx.cli(['lease', 'list', '--file', file, '--dir', fx.dir('a')]);
    assert.match(list.stdout, /payments-writer\s+b\s+\d+/);
    const watch = await fx.cli([
      'lease',
      'watch',
      'payments-writer',
      '--count',
      '1',
      '--file',
      file,
      '--dir',
      fx.dir('a'),
    ]);
    assert.match(watch.stdout, /payments-writer held by b, fencing token \d+/);
  });
});
