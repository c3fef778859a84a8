import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BadBenchOption, parseAppBenchOptions } from './app-bench-options.js';

const parse = (...argv: string[]): ReturnType<typeof parseAppBenchOptions> =>
  parseAppBenchOptions(argv, '/tmp/apps.json');

describe('parseAppBenchOptions', () => {
  it('defaults to the full loads, five runs, both applications and every path', () => {
    assert.deepEqual(parse(), {
      repeats: 5,
      pgSeconds: 20,
      pgClients: 8,
      pgThreads: 2,
      redisRequests: 100_000,
      redisClients: 50,
      only: ['pgbench', 'redis-benchmark'],
      paths: ['direct', 'stunnel', 'causeway'],
      results: '/tmp/apps.json',
      cpuProfDir: undefined,
      output: 'table',
      quick: false,
    });
  });

  it('--quick shortens the runs, and explicit options still win', () => {
    const quick = parse('--quick', '--redis-requests', '500');
    assert.equal(quick?.repeats, 1);
    assert.equal(quick?.pgSeconds, 3);
    assert.equal(quick?.redisRequests, 500);
  });

  it('--help asks for the usage text', () => {
    assert.equal(parse('--help'), undefined);
  });

  it('names the option and the fix for bad input', () => {
    const cases: [string[], RegExp][] = [
      [['--repeats', '0'], /--repeats must be a whole number/],
      [['--pg-seconds', '2.5'], /--pg-seconds must be a whole number/],
      [['--pg-clients', '8', '--pg-threads', '3'], /--pg-threads 3 does not divide --pg-clients 8/],
      [['--only', 'mysql'], /--only names unknown mysql/],
      [['--paths', ','], /--paths names nothing/],
      [['--output', 'yaml'], /--output must be table or json/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parse(...argv),
        (err: unknown) =>
          err instanceof BadBenchOption && message.test(err.message) && err.hint !== '',
        argv.join(' '),
      );
    }
  });
});
