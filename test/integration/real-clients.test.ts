import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { freePort } from '../support/tcp-probes.js';

// Real clients (curl, redis-cli, redis-benchmark) through a real import: site a exports an HTTP
// backend and a redis-server it runs on loopback; site b imports both.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (killed after `timeoutMs`); never rejects on a non-zero exit. */
function run(file: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({
          code,
          stdout,
          stderr: stderr + (err !== null && code === -1 ? err.message : ''),
        });
      },
    );
  });
}

const tools = await Promise.all(
  ['curl', 'redis-server', 'redis-cli', 'redis-benchmark'].map(async (t) =>
    (await run(t, ['--version'], 5_000)).code === 0 ? undefined : t,
  ),
);
const missing = tools.filter((t) => t !== undefined);
// CI installs these (.ci/run); elsewhere a missing tool skips rather than fails.
const skip =
  missing.length > 0 && process.env['CI'] !== 'true' ? `needs ${missing.join(', ')}` : false;

/** `redis-benchmark -q` lines such as "SET: 51546.39 requests per second, p50=0.343 msec". */
function benchmarkRates(output: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const m of output.matchAll(/^\s*([A-Z]+): ([\d.]+) requests per second/gm))
    rates.set(m[1] as string, Number(m[2]));
  return rates;
}

describe('real clients through an import', { skip, timeout: 60_000 }, () => {
  let fx: ClustersetFixture;
  let http: HttpServer;
  let redis: ChildProcess | undefined;
  let redisPort = 0;
  let httpPort = 0;
  const BIG = 2 * 1024 * 1024;

  before(async () => {
    assert.deepEqual(missing, [], 'CI=true: curl and redis tools must be installed');
    fx = await ClustersetFixture.create();
    http = createHttpServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG });
        res.end(Buffer.alloc(BIG, 0x61));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello from a: ${req.method} ${req.url}\n`);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    httpPort = (http.address() as { port: number }).port;

    redisPort = await freePort();
    redis = spawn(
      'redis-server',
      ['--save', '', '--appendonly', 'no', '--port', String(redisPort), '--bind', '127.0.0.1'],
      { stdio: 'ignore' },
    );
    const redisUp = (async () => {
      for (let i = 0; i < 100; i++) {
        if (
          (
            await run('redis-cli', ['-h', '127.0.0.1', '-p', String(redisPort), 'PING'], 2_000)
          ).stdout.trim() === 'PONG'
        )
          return;
        await sleep(50);
      }
      throw new Error(`redis-server did not answer on port ${redisPort}`);
    })();

    await Promise.all([fx.initSite('a'), fx.initSite('b')]);
    await Promise.all([fx.startRouter('a'), fx.startRouter('b')]);
    await fx.link('b', 'a');
    await fx.cli([
      'expose',
      'web',
      '--namespace',
      'real',
      '--port',
      '80',
      '--to',
      `127.0.0.1:${httpPort}`,
      '--dir',
      fx.dir('a'),
    ]);
    await fx.cli([
      'expose',
      'redis',
      '--namespace',
      'real',
      '--port',
      '6379',
      '--to',
      `127.0.0.1:${redisPort}`,
      '--dir',
      fx.dir('a'),
    ]);
    await fx.cli([
      'import',
      'web',
      '--namespace',
      'real',
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--dir',
      fx.dir('b'),
    ]);
    await fx.cli([
      'import',
      'redis',
      '--namespace',
      'real',
      '--listen',
      `127.0.0.1:${await freePort()}`,
      '--dir',
      fx.dir('b'),
    ]);
    await redisUp;
  });

  after(async () => {
    if (redis?.pid !== undefined && redis.exitCode === null) {
      const exited = new Promise((r) => redis?.once('exit', r));
      process.kill(redis.pid, 'SIGKILL');
      await exited;
    }
    http?.close();
    await fx?.close();
  });

  it('curl fetches a page and a 2 MB body from an HTTP backend on the other site', async () => {
    const web = await fx.importAddress('b', 'web.real');
    const page = await run('curl', [
      '-sS',
      '--fail',
      '--max-time',
      '10',
      `http://${web.host}:${web.port}/through/causeway`,
    ]);
    assert.equal(page.code, 0, page.stderr);
    assert.equal(page.stdout, 'hello from a: GET /through/causeway\n');

    const big = await run('curl', [
      '-sS',
      '--fail',
      '--max-time',
      '10',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_download}',
      `http://${web.host}:${web.port}/big`,
    ]);
    assert.equal(big.code, 0, big.stderr);
    assert.equal(big.stdout, `200 ${BIG}`);
  });

  it('redis-cli SET/GET round-trips through the import', async () => {
    const imported = await fx.importAddress('b', 'redis.real');
    const cli = (...args: string[]): Promise<Run> =>
      run('redis-cli', ['-h', imported.host, '-p', String(imported.port), ...args], 10_000);
    const value = `crossed-${Date.now()}`;
    const set = await cli('SET', 'causeway:key', value);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout.trim(), 'OK');
    const get = await cli('GET', 'causeway:key');
    assert.equal(get.stdout.trim(), value);
    // The value really is in the redis on site a.
    const direct = await run(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(redisPort), 'GET', 'causeway:key'],
      10_000,
    );
    assert.equal(direct.stdout.trim(), value);
  });

  it('redis-benchmark completes through the import, with rates beside the direct ones', async () => {
    const imported = await fx.importAddress('b', 'redis.real');
    const bench = (port: number): Promise<Run> =>
      run(
        'redis-benchmark',
        ['-h', '127.0.0.1', '-p', String(port), '-n', '20000', '-c', '20', '-t', 'set,get', '-q'],
        25_000,
      );
    const direct = await bench(redisPort);
    const through = await bench(imported.port);
    const directRates = benchmarkRates(direct.stdout);
    const throughRates = benchmarkRates(through.stdout);
    console.log(
      `# redis-benchmark -n 20000 -c 20 req/s  direct: SET ${directRates.get('SET')} GET ${directRates.get('GET')}  through causeway: SET ${throughRates.get('SET')} GET ${throughRates.get('GET')}`,
    );
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(through.code, 0, through.stderr);
    assert.doesNotMatch(through.stdout + through.stderr, /error|reset|refused/i);
    for (const command of ['SET', 'GET']) {
      const rate = throughRates.get(command);
      assert.ok(
        rate !== undefined && rate > 0,
        `${command} rate through causeway: ${through.stdout}`,
      );
    }
    const status = await fx.status('b');
    const flows = status.imports.find((i) => i.name === 'redis')?.flows;
    assert.ok(
      flows !== undefined && flows.total >= 20,
      `the benchmark's connections went through the import: ${JSON.stringify(flows)}`,
    );
  });
});
