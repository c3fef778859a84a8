import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FlowLogReport } from '../../src/cost/index.js';
import { runCli } from '../support/cli-runner.js';

const GIB = 1024 ** 3;
const V2 =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const v2 = (
  eni: string,
  src: string,
  dst: string,
  bytes: number | '-',
  action = 'ACCEPT',
  status = 'OK',
): string =>
  `2 123456789012 ${eni} ${src} ${dst} 443 49152 6 10 ${bytes} 1700000000 1700000060 ${bytes === '-' ? '-' : action} ${status}`;

describe('causeway cost flowlogs', () => {
  let dir: string;
  const path = (name: string): string => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-flowlogs-'));
    await writeFile(
      path('subnets.csv'),
      'cidr,zone\n10.0.1.0/24,use1-az1\n10.0.2.0/24,use1-az2\n10.0.3.0/24,use1-az3\n',
    );
    // Default format, gzip as S3 delivers it: 3 GiB az1→az2 in two records, 1 GiB az2→az3,
    // same-zone bytes, a REJECT, a NODATA record and two lines that are not records.
    const lines = [
      V2,
      v2('eni-a', '10.0.1.5', '10.0.2.7', 2 * GIB),
      v2('eni-a', '10.0.1.5', '10.0.2.7', GIB),
      v2('eni-b', '10.0.2.7', '10.0.3.9', GIB),
      v2('eni-a', '10.0.1.5', '10.0.1.6', 5 * GIB),
      v2('eni-a', '10.0.1.5', '10.0.3.9', 7 * GIB, 'REJECT'),
      v2('eni-a', '10.0.1.5', '10.0.2.7', '-', '-', 'NODATA'),
      '2 123456789012 eni-a 10.0.1.5 10.0.2.7 443 49152 6 10 lots 1700000000 1700000060 ACCEPT OK',
      'truncated line',
      v2('eni-a', '10.0.1.5', '192.0.2.1', 1000),
    ];
    await writeFile(path('v2.log.gz'), gzipSync(`${lines.join('\n')}\n`));
    // A custom format with az-id, packet addresses and flow-direction, and no subnet map: the
    // flow a→b is logged at both interfaces; 203.0.113.7 is outside the logs.
    const custom = [
      'version interface-id az-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr flow-direction bytes action log-status',
      `5 eni-a use1-az1 10.9.1.5 10.9.2.7 10.9.1.5 10.9.2.7 egress ${2 * GIB} ACCEPT OK`,
      `5 eni-b use1-az2 10.9.1.5 10.9.2.7 10.9.1.5 10.9.2.7 ingress ${2 * GIB} ACCEPT OK`,
      `5 eni-b use1-az2 10.9.2.7 10.9.1.5 10.9.2.7 10.9.1.5 egress ${GIB} ACCEPT OK`,
      `5 eni-a use1-az1 10.9.2.7 10.9.1.5 10.9.2.7 10.9.1.5 ingress ${GIB} ACCEPT OK`,
      `5 eni-b use1-az2 10.9.1.5 10.9.2.7 203.0.113.7 10.9.2.7 ingress 4096 ACCEPT OK`,
    ];
    await writeFile(path('custom.log'), `${custom.join('\n')}\n`);
    await writeFile(path('not-a-flow-log.txt'), 'timestamp,src,dst,octets\n1,2,3,4\n');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const report = async (args: string[]): Promise<FlowLogReport> => {
    const r = await runCli(['cost', 'flowlogs', ...args, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as FlowLogReport;
  };

  it('sums the default format by zone pair through a subnet map, counting what it skips', async () => {
    const r = await report([path('v2.log.gz'), '--subnets', path('subnets.csv')]);
    assert.deepEqual(r.records, {
      ...{ read: 7, counted: 5, rejected: 1, noData: 1, duplicates: 0, malformed: 2 },
    });
    assert.deepEqual(r.bytes, {
      counted: 9 * GIB + 1000,
      crossZone: 4 * GIB,
      sameZone: 5 * GIB,
      unmapped: 1000,
    });
    assert.deepEqual(
      r.zonePairs.map((p) => [p.srcZone, p.dstZone, p.gb, p.dollars]),
      [
        ['use1-az1', 'use1-az2', 3, 0.06],
        ['use1-az2', 'use1-az3', 1, 0.02],
      ],
    );
    assert.deepEqual(r.talkers[0], {
      ...{ src: '10.0.1.5', dst: '10.0.2.7', srcZone: 'use1-az1', dstZone: 'use1-az2' },
      ...{ bytes: 3 * GIB, gb: 3, dollars: 0.06 },
    });
    assert.equal(r.counting, 'all');
    assert.ok(r.notes.some((n) => n.includes('flow-direction')));
  });

  it('places ends by their own az-id and counts a flow once with flow-direction', async () => {
    const r = await report([path('custom.log'), '--prices', 'gcp']);
    assert.equal(r.counting, 'egress');
    assert.equal(r.records.duplicates, 2);
    assert.deepEqual(
      r.zonePairs.map((p) => [p.srcZone, p.dstZone, p.bytes, p.dollars]),
      [
        ['use1-az1', 'use1-az2', 2 * GIB, 0.02],
        ['use1-az2', 'use1-az1', GIB, 0.01],
      ],
    );
    // The packet's source is outside every log: counted, but no zone to price it by.
    assert.equal(r.bytes.unmapped, 4096);
  });

  it('prints a table for people', async () => {
    const r = await runCli([
      'cost',
      'flowlogs',
      path('v2.log.gz'),
      '--subnets',
      path('subnets.csv'),
      '--price-per-gb',
      '0.05',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4\.000 GiB crossed zones \(\$0\.20 at \$0\.05\/GiB/);
    assert.match(r.stdout, /10\.0\.1\.5\s+10\.0\.2\.7\s+use1-az1\s+use1-az2\s+3\.000\s+\$0\.15/);
    assert.match(r.stdout, /2 malformed lines skipped/);
  });

  it('refuses a file that is not a flow log, a bad map line and a bad price, with exit 2 and a hint', async () => {
    const wrong = await runCli(['cost', 'flowlogs', path('not-a-flow-log.txt')]);
    assert.equal(wrong.code, 2);
    assert.match(
      wrong.stderr,
      /not-a-flow-log\.txt: first line is not a flow-log header \(unknown field "timestamp,src,dst,octets"\)/,
    );
    assert.match(wrong.stderr, /hint: a delivered flow-log file starts with its field names/);
    await writeFile(path('bad.csv'), '10.0.1.0/24,use1-az1\n10.0.2.0,use1-az2\n');
    const map = await runCli(['cost', 'flowlogs', path('v2.log.gz'), '--subnets', path('bad.csv')]);
    assert.equal(map.code, 2);
    assert.match(map.stderr, /bad\.csv:2: "10\.0\.2\.0,use1-az2" is not "cidr,zone"/);
    const missing = await runCli(['cost', 'flowlogs', path('absent.log')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /absent\.log: cannot be read/);
    const price = await runCli([
      'cost',
      'flowlogs',
      path('v2.log.gz'),
      '--prices',
      'azure',
      '--output',
      'json',
    ]);
    assert.equal(price.code, 2);
    assert.match(price.stderr, /"code":"CW_INPUT_INVALID"/);
  });
});
