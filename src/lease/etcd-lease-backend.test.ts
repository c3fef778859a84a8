import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3 } from 'etcd3';
import { ErrorCode, hasCode } from '../errors/index.js';
import { EtcdLeaseBackend } from './etcd-lease-backend.js';
import { manualClock, runLeaseContract } from './lease-backend.case.test.js';

const etcdBinary = process.env['ETCD_BIN'] ?? '/usr/bin/etcd';
const etcdInstalled = existsSync(etcdBinary);

interface RunningEtcd {
  process: ChildProcess;
  clientUrl: string;
  dataDir: string;
}

/** A port the kernel just handed out; etcd binds it right after, so a clash is unlikely. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function startEtcd(): Promise<RunningEtcd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'causeway-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  // etcd logs every request to stderr; a file keeps the pipe from filling and the log for failures.
  const log = openSync(join(dataDir, 'etcd.log'), 'w');
  const child = spawn(
    etcdBinary,
    [
      '--name',
      'default',
      '--data-dir',
      join(dataDir, 'data'),
      '--listen-client-urls',
      clientUrl,
      '--advertise-client-urls',
      clientUrl,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `default=${peerUrl}`,
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const etcd = { process: child, clientUrl, dataDir };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const healthy = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) })
      .then(async (response) => ((await response.json()) as { health?: string }).health === 'true')
      .catch(() => false);
    if (healthy) return etcd;
    await sleep(100);
  }
  const output = await readFile(join(dataDir, 'etcd.log'), 'utf8').catch(() => '');
  await stopEtcd(etcd);
  throw new Error(`etcd did not become healthy within 15 s:\n${output.slice(-2_000)}`);
}

async function stopEtcd(etcd: RunningEtcd): Promise<void> {
  const { process: child } = etcd;
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    // The grace timer is unref'd so it does not hold the test process open after etcd has gone.
    const stopped = await Promise.race([
      exited.then(() => true),
      sleep(5_000, false, { ref: false }),
    ]);
    if (!stopped) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  }
  await rm(etcd.dataDir, { recursive: true, force: true });
}

if (!etcdInstalled && process.env['CI'] === 'true') {
  it('EtcdLeaseBackend needs etcd in CI', () => {
    assert.fail(`${etcdBinary} is missing; .ci/run installs the etcd-server package`);
  });
}

describe(
  'EtcdLeaseBackend against a real etcd',
  { skip: etcdInstalled ? false : `${etcdBinary} not found (apt-get install etcd-server)` },
  () => {
    let etcd: RunningEtcd | undefined;
    let admin: Etcd3 | undefined;

    before(async () => {
      etcd = await startEtcd();
      admin = new Etcd3({ hosts: [etcd.clientUrl] });
    });

    after(async () => {
      admin?.close();
      if (etcd !== undefined) await stopEtcd(etcd);
    });

    function hosts(): string[] {
      assert.ok(etcd !== undefined, 'etcd was not started');
      return [etcd.clientUrl];
    }

    runLeaseContract('EtcdLeaseBackend', async () => {
      // Every case starts from an empty keyspace; cases run one after another.
      await admin?.delete().prefix('/causeway/').exec();
      const clock = manualClock();
      return {
        backend: new EtcdLeaseBackend({ hosts: hosts(), clock }),
        clock,
        reopen: async () => new EtcdLeaseBackend({ hosts: hosts(), clock }),
        cleanup: async () => undefined,
      };
    });

    it('stores leases and token counters under /causeway/', async () => {
      await admin?.delete().prefix('/causeway/').exec();
      const backend = new EtcdLeaseBackend({ hosts: hosts() });
      try {
        await backend.acquire('payments-writer', 'site-a', 60_000);
        assert.equal(await admin?.get('/causeway/lease-tokens/payments-writer').string(), '1');
        const stored = JSON.parse(
          (await admin?.get('/causeway/leases/payments-writer').string()) ?? '{}',
        ) as unknown;
        assert.deepEqual(Object.keys(stored as object).sort(), [
          'expiresAt',
          'fencingToken',
          'holder',
        ]);
      } finally {
        await backend.close();
      }
    });

    it('reports an unreachable etcd with a typed error', async () => {
      const backend = new EtcdLeaseBackend({
        hosts: [`http://127.0.0.1:${await freePort()}`],
        dialTimeoutMs: 500,
      });
      try {
        await assert.rejects(backend.get('payments-writer'), (err) =>
          hasCode(err, ErrorCode.BackendUnreachable),
        );
      } finally {
        await backend.close();
      }
    });
  },
);
