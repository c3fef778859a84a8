import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { postgresBinDir } from '../../bench/apps/postgres-cluster.js';

// `npm run bench:apps` in quick mode with tiny counts: real PostgreSQL and Redis servers, real
// pgbench and redis-benchmark, each through direct, stunnel and a Causeway import. Checks the
// results file is whole and every figure is a positive number; the figures themselves are not judged.

const BENCH = fileURLToPath(new URL('../../bench/apps/app-bench.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runBench(args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BENCH, ...args],
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1,
          stdout,
          stderr,
        });
      },
    );
  });
}

function missingTools(): string[] {
  const missing = ['redis-server', 'redis-cli', 'redis-benchmark', 'stunnel4', 'openssl'].filter(
    (tool) => !onPath(tool),
  );
  try {
    postgresBinDir();
  } catch {
    missing.push('postgresql (initdb, pg_ctl, pgbench)');
  }
  return missing;
}

function onPath(tool: string): boolean {
  return (process.env['PATH'] ?? '')
    .split(':')
    .some((dir) => dir !== '' && isExecutable(join(dir, tool)));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const missing = missingTools();
// CI installs these (.ci/run); elsewhere a missing tool skips rather than fails.
const skip =
  missing.length > 0 && process.env['CI'] !== 'true' ? `needs ${missing.join(', ')}` : false;

interface PathResult {
  runs: { figures: Record<string, number>; notes: string[] }[];
  failures: string[];
  summary: Record<string, { median: number; min: number; max: number }>;
}
interface AppResult {
  figures: { key: string }[];
  paths: Record<string, PathResult>;
  ratios: Record<string, { vsDirect: Record<string, number>; vsStunnel: Record<string, number> }>;
}

describe('npm run bench:apps --quick', { skip, timeout: 300_000 }, () => {
  let dir = '';
  before(async () => {
    assert.deepEqual(missing, [], 'CI=true: the bench tools must be installed');
    dir = await mkdtemp(join(tmpdir(), 'causeway-bench-apps-test-'));
  });
  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('measures both applications through every path and writes whole, non-zero results', async () => {
    const file = join(dir, 'apps.json');
    const run = await runBench(
      ['--quick', '--pg-seconds', '1', '--redis-requests', '2000', '--results', file],
      280_000,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /== pgbench -c 8 -j 2 -T 1/);
    assert.match(run.stdout, /== redis-benchmark -t set,get -n 2000/);
    const results = JSON.parse(await readFile(file, 'utf8')) as {
      loadAverage: { start: number[]; end: number[] };
      apps: Record<string, AppResult>;
    };
    assert.equal(results.loadAverage.start.length, 3);
    assert.equal(results.loadAverage.end.length, 3);
    assert.deepEqual(Object.keys(results.apps).sort(), ['pgbench', 'redis-benchmark']);
    for (const [name, app] of Object.entries(results.apps)) {
      assert.deepEqual(Object.keys(app.paths).sort(), ['causeway', 'direct', 'stunnel'], name);
      for (const [path, result] of Object.entries(app.paths)) {
        const where = `${name} through ${path}`;
        assert.deepEqual(result.failures, [], where);
        assert.equal(result.runs.length, 1, where);
        for (const { key } of app.figures) {
          const value = result.runs[0]?.figures[key];
          assert.ok(
            value !== undefined && Number.isFinite(value) && value > 0,
            `${where}: ${key} = ${value}`,
          );
          assert.equal(result.summary[key]?.median, value, `${where}: median of one run`);
        }
      }
      for (const { key } of app.figures) {
        for (const ratio of [
          app.ratios['causeway']?.vsDirect[key],
          app.ratios['causeway']?.vsStunnel[key],
          app.ratios['stunnel']?.vsDirect[key],
        ]) {
          assert.ok(
            ratio !== undefined && Number.isFinite(ratio) && ratio > 0,
            `${name} ${key} ratio ${ratio}`,
          );
        }
      }
    }
  });

  it('refuses a bad option with exit code 2, naming it, before starting anything', async () => {
    const run = await runBench(['--repeats', 'many'], 20_000);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--repeats must be a whole number of at least 1, not "many"/);
    assert.match(run.stderr, /^hint: /m);
  });
});
