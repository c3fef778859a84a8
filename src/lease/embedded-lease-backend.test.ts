import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { it } from 'node:test';
import { ErrorCode, hasCode } from '../errors/index.js';
import { EmbeddedLeaseBackend } from './embedded-lease-backend.js';
import { manualClock, runLeaseContract } from './lease-backend.case.test.js';

runLeaseContract('EmbeddedLeaseBackend', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-lease-'));
  const path = join(dir, 'leases.json');
  const clock = manualClock();
  return {
    backend: new EmbeddedLeaseBackend({ path, clock }),
    clock,
    reopen: async () => new EmbeddedLeaseBackend({ path, clock }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

it('EmbeddedLeaseBackend rejects a corrupt lease file with a typed error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-lease-'));
  try {
    const path = join(dir, 'leases.json');
    await writeFile(path, '{"version":1,"leases":{"x":{"holder":""}}}');
    const backend = new EmbeddedLeaseBackend({ path });
    await assert.rejects(backend.acquire('x', 'site-a', 1_000), (err) =>
      hasCode(err, ErrorCode.LeaseStoreInvalid),
    );
    await assert.rejects(backend.acquire('../x', 'site-a', 1_000), (err) =>
      hasCode(err, ErrorCode.InputInvalid),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('EmbeddedLeaseBackend lets exactly one of several processes win', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-lease-'));
  try {
    const path = join(dir, 'leases.json');
    const moduleUrl = new URL('./embedded-lease-backend.js', import.meta.url).href;
    const script = `const { EmbeddedLeaseBackend } = await import(process.argv[1]);
const backend = new EmbeddedLeaseBackend({ path: process.argv[2] });
process.stdout.write(JSON.stringify(await backend.acquire('payments-writer', process.argv[3], 60000)));`;
    const runs = ['a', 'b', 'c', 'd'].map((site) =>
      promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', script, moduleUrl, path, `site-${site}`],
        {
          timeout: 20_000,
        },
      ),
    );
    const results = (await Promise.all(runs)).map(
      ({ stdout }) => JSON.parse(stdout) as { acquired: boolean; lease: unknown },
    );
    assert.equal(results.filter((result) => result.acquired).length, 1);
    assert.deepEqual(
      await new EmbeddedLeaseBackend({ path }).get('payments-writer'),
      results.find((r) => r.acquired)?.lease,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
