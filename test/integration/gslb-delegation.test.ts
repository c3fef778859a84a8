import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { digAnswer } from '../../bench/dns/dig-answer.js';
import { freePort } from '../../bench/process/free-port.js';
import { stopChild } from '../../src/demo/index.js';
import { runCli } from '../support/cli-runner.js';

// The delegation goes into a real Knot primary for example.com by RFC 2136 update signed with TSIG:
// afterwards Knot itself serves the NS set and glue, and a wrong key is refused with a clear error.

const SECRET = randomBytes(32).toString('base64');
const KEY = `hmac-sha256:gslb-update:${SECRET}`;

describe('gslb delegate into a Knot parent zone', () => {
  let dir = '';
  let port = 0;
  let knot: ChildProcess | undefined;
  const gslbFile = (): string => join(dir, 'gslb.yaml');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-gslb-knot-'));
    port = await freePort();
    // knotd keeps the journal of dynamic updates there, and does not create the directory itself.
    await mkdir(join(dir, 'db'));
    await writeFile(
      join(dir, 'example.com.zone'),
      '$ORIGIN example.com.\n$TTL 3600\n@ SOA ns.example.com. hostmaster.example.com. 1 7200 1800 86400 300\n@ NS ns.example.com.\nns A 192.0.2.1\n',
    );
    await writeFile(
      join(dir, 'knot.conf'),
      `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${port}
log:
  - target: stderr
    any: warning
database:
    storage: "${dir}/db"
key:
  - id: gslb-update
    algorithm: hmac-sha256
    secret: ${SECRET}
acl:
  - id: gslb-update
    key: gslb-update
    action: update
zone:
  - domain: example.com
    storage: "${dir}"
    file: "example.com.zone"
    zonefile-sync: -1
    acl: gslb-update
`,
    );
    knot = spawn('knotd', ['-c', join(dir, 'knot.conf')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const deadline = Date.now() + 10_000;
    while ((await digAnswer(port, 'example.com', 'SOA')).status !== 'NOERROR') {
      if (Date.now() > deadline || knot.exitCode !== null)
        throw new Error('knotd did not serve example.com');
      await sleep(50);
    }
    const init = await runCli([
      'gslb',
      'init',
      '--zone',
      'gslb.example.com',
      '--file',
      gslbFile(),
      '--ns',
      'ns-eu.gslb.example.com=192.0.2.31',
      '--ns',
      'ns-us.gslb.example.com=2001:db8::32',
      '--ns',
      'ns.other.example.net=198.51.100.9',
    ]);
    assert.equal(init.code, 0, init.stderr);
  });

  after(async () => {
    if (knot !== undefined) await stopChild(knot);
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes NS and glue, which Knot then serves', async () => {
    const published = await runCli([
      'gslb',
      'delegate',
      '--file',
      gslbFile(),
      '--server',
      `127.0.0.1:${port}`,
      '--tsig',
      KEY,
      '--output',
      'json',
    ]);
    assert.equal(published.code, 0, published.stderr);
    assert.equal((JSON.parse(published.stdout) as { attempts: number }).attempts, 1);
    const ns = await digAnswer(port, 'gslb.example.com', 'NS');
    assert.equal(ns.status, 'NOERROR');
    // A parent holds delegation NS records as non-authoritative data; dig shows them in the authority section.
    const { stdout } = await runCommandText([
      'dig',
      '@127.0.0.1',
      '-p',
      String(port),
      '+norecurse',
      'gslb.example.com',
      'NS',
    ]);
    for (const name of ['ns-eu.gslb.example.com', 'ns-us.gslb.example.com', 'ns.other.example.net'])
      assert.match(
        stdout,
        new RegExp(
          `gslb\\.example\\.com\\.\\s+3600\\s+IN\\s+NS\\s+${name.replaceAll('.', '\\.')}\\.`,
        ),
      );
    assert.match(stdout, /ns-eu\.gslb\.example\.com\.\s+3600\s+IN\s+A\s+192\.0\.2\.31/);
    assert.match(stdout, /ns-us\.gslb\.example\.com\.\s+3600\s+IN\s+AAAA\s+2001:db8::32/);
    assert.doesNotMatch(
      stdout,
      /ns\.other\.example\.net\.\s+\d+\s+IN\s+A/,
      'no glue for a name server outside the zone',
    );
  });

  it('replaces the NS set on the next run instead of adding to it', async () => {
    const set = await runCli([
      'gslb',
      'init',
      '--force',
      '--zone',
      'gslb.example.com',
      '--file',
      gslbFile(),
      '--ns',
      'ns-ap.gslb.example.com=192.0.2.33',
    ]);
    assert.equal(set.code, 0, set.stderr);
    const published = await runCli([
      'gslb',
      'delegate',
      '--file',
      gslbFile(),
      '--server',
      `127.0.0.1:${port}`,
      '--tsig',
      KEY,
    ]);
    assert.equal(published.code, 0, published.stderr);
    const { stdout } = await runCommandText([
      'dig',
      '@127.0.0.1',
      '-p',
      String(port),
      '+norecurse',
      'gslb.example.com',
      'NS',
    ]);
    assert.match(stdout, /IN\s+NS\s+ns-ap\.gslb\.example\.com\./);
    assert.doesNotMatch(stdout, /ns-eu\.gslb\.example\.com\.\s+\d+\s+IN\s+NS/);
  });

  it('says clearly that the parent refused a wrong key, after retrying with back-off', async () => {
    const wrong = `hmac-sha256:gslb-update:${randomBytes(32).toString('base64')}`;
    const started = Date.now();
    const refused = await runCli([
      'gslb',
      'delegate',
      '--file',
      gslbFile(),
      '--server',
      `127.0.0.1:${port}`,
      '--tsig',
      wrong,
      '--attempts',
      '3',
    ]);
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /refused the TSIG key gslb-update \(NOTAUTH, BADSIG\)/);
    assert.match(refused.stderr, /hint: check that 127\.0\.0\.1:\d+ holds key gslb-update/);
    assert.equal(
      refused.stderr.match(/attempt \d failed/g)?.length,
      2,
      'two retries before the last attempt',
    );
    assert.ok(Date.now() - started >= 500, 'waits between attempts');
    const unknown = await runCli([
      'gslb',
      'delegate',
      '--file',
      gslbFile(),
      '--server',
      `127.0.0.1:${port}`,
      '--tsig',
      `hmac-sha256:nobody:${SECRET}`,
      '--attempts',
      '1',
    ]);
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /refused the TSIG key nobody \(NOTAUTH, BADKEY\)/);
  });

  it('refuses bad input with exit 2 and prints the records for manual providers', async () => {
    const bad = await runCli([
      'gslb',
      'delegate',
      '--file',
      gslbFile(),
      '--server',
      `127.0.0.1:${port}`,
      '--tsig',
      'gslb-update:not base64',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--tsig: the secret is not base64\nhint:/);
    const printed = await runCli(['gslb', 'delegate', '--file', gslbFile(), '--print']);
    assert.equal(printed.code, 0);
    assert.equal(
      printed.stdout,
      '; add to the example.com zone:\ngslb.example.com.\t3600\tIN\tNS\tns-ap.gslb.example.com.\nns-ap.gslb.example.com.\t3600\tIN\tA\t192.0.2.33\n',
    );
  });
});

function runCommandText(argv: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.once('close', () => resolve({ stdout }));
  });
}
