import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliResult } from '../support/cli-runner.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';

/** Every command and subcommand of the CLI; `--help` of each must work. */
const COMMANDS = [
  [],
  ['site'],
  ['site', 'init'],
  ['site', 'run'],
  ['site', 'revoke'],
  ['token'],
  ['token', 'issue'],
  ['token', 'list'],
  ['link'],
  ['link', 'create'],
  ['link', 'remove'],
  ['expose'],
  ['unexpose'],
  ['import'],
  ['unimport'],
  ['status'],
  ['console'],
  ['services'],
  ['namespace'],
  ['namespace', 'add'],
  ['namespace', 'remove'],
  ['policy'],
  ['policy', 'set'],
  ['policy', 'list'],
  ['policy', 'allow'],
  ['policy', 'deny'],
  ['route'],
  ['route', 'set'],
  ['route', 'list'],
  ['route', 'remove'],
  ['lease'],
  ['lease', 'acquire'],
  ['lease', 'release'],
  ['lease', 'list'],
  ['lease', 'watch'],
  ['kube'],
  ['kube', 'install'],
  ['kube', 'uninstall'],
  ['kube', 'link'],
  ['kube', 'dns'],
  ['kube', 'controller'],
  ['kube', 'save-site'],
  ['lease', 'store'],
  ['gslb'],
  ['gslb', 'init'],
  ['gslb', 'set'],
  ['gslb', 'list'],
  ['gslb', 'remove'],
  ['gslb', 'explain'],
  ['gslb', 'serve'],
  ['gslb', 'delegate'],
  ['demo'],
  ['drill'],
  ['drill', 'partition'],
  ['drill', 'site-loss'],
  ['drill', 'latency'],
  ['drill', 'loss'],
  ['drill', 'stop'],
  ['drill', 'list'],
  ['drill', 'report'],
  ['admin'],
  ['admin', 'issue'],
  ['cost'],
  ['cost', 'report'],
  ['cost', 'flowlogs'],
  ['doctor'],
  ['plan'],
];

type JsonError = { error: { code: string; message: string; hint?: string } };

function jsonError(result: CliResult): JsonError['error'] {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr is one JSON line, got:\n${result.stderr}`);
  return (JSON.parse(lines[0] ?? '') as JsonError).error;
}

/** Runs CLI invocations a few at a time: each is a node process, and the box may be small. */
async function runAll(
  fx: ClustersetFixture,
  invocations: string[][],
  width = 4,
): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (let i = 0; i < invocations.length; i += width) {
    results.push(
      ...(await Promise.all(invocations.slice(i, i + width).map((args) => fx.cli(args, true)))),
    );
  }
  return results;
}

describe('CLI: errors name the fix, exit codes are stable, nothing crashes', () => {
  let fx: ClustersetFixture;
  let pristine: string;

  /** A copy of a freshly initialised site whose site.yaml is `edit(original)`. */
  async function siteWithConfig(
    name: string,
    edit: (yaml: string) => string,
  ): Promise<{ dir: string; file: string }> {
    const dir = fx.dir(name);
    await cp(fx.dir('good'), dir, { recursive: true });
    const file = join(dir, 'site.yaml');
    await writeFile(file, edit(pristine));
    return { dir, file };
  }

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initSite('good');
    pristine = await readFile(join(fx.dir('good'), 'site.yaml'), 'utf8');
  });

  after(async () => {
    await fx.close();
  });

  it('refuses to run a site with a malformed site.yaml: exit 2, file, field and hint', async () => {
    const badCost = await siteWithConfig('bad-cost', (y) => {
      assert.match(y, /^links: \[\]$/m);
      return y.replace(
        /^links: \[\]$/m,
        'links:\n  - peer: beta\n    endpoints: ["127.0.0.1:7443"]\n    cost: cheap',
      );
    });
    const unknownKey = await siteWithConfig('unknown-key', (y) =>
      y.replace(/^link:$/m, 'link:\n  colour: red'),
    );
    const badYaml = await siteWithConfig('bad-yaml', (y) =>
      y.replace(/^kind: Site$/m, 'kind: [Site'),
    );
    const [cost, unknown, yaml] = await runAll(
      fx,
      [badCost, unknownKey, badYaml].map((s) => ['site', 'run', '--dir', s.dir]),
    );
    assert.ok(cost && unknown && yaml);

    for (const [result, site] of [
      [cost, badCost],
      [unknown, unknownKey],
      [yaml, badYaml],
    ] as const) {
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.includes(site.file), `stderr names ${site.file}:\n${result.stderr}`);
      assert.match(result.stderr, /^hint: .+/m);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace for a config error');
      assert.equal(result.stdout, '', 'the router never started');
    }
    assert.match(cost.stderr, /field links\[0\]\.cost: /);
    assert.match(cost.stderr, /^hint: .*links\[0\]\.cost/m);
    assert.match(unknown.stderr, /field link\.colour: .*"colour"/);
    assert.match(yaml.stderr, /not valid YAML/);
    assert.match(yaml.stderr, /^hint: .*line \d+/m);
  });

  it('reports a config error as JSON with error.code when asked', async () => {
    const site = await siteWithConfig('bad-port', (y) =>
      y.replace(
        /^exports: \[\]$/m,
        'exports:\n  - { name: web, namespace: shop, port: 70000, to: "127.0.0.1:80" }',
      ),
    );
    const result = await fx.cli(['token', 'issue', '--dir', site.dir, '--output', 'json'], true);
    assert.equal(result.code, 2);
    const error = jsonError(result);
    assert.equal(error.code, 'CW_CONFIG_INVALID');
    assert.match(error.message, /exports\[0\]\.port/);
    assert.ok(error.message.includes(site.file));
  });

  it('status without a running router exits 3 with a hint', async () => {
    const [text, json] = await runAll(fx, [
      ['status', '--dir', fx.dir('good')],
      ['status', '--dir', fx.dir('nowhere'), '--output', 'json'],
    ]);
    assert.equal(text?.code, 3);
    assert.match(text?.stderr ?? '', /^error: the router of .* is not running/m);
    assert.match(text?.stderr ?? '', /^hint: start it with `causeway site run --dir /m);
    assert.equal(json?.code, 3);
    assert.equal(json && jsonError(json).code, 'CW_ROUTER_NOT_RUNNING');
    assert.match((json && jsonError(json).hint) ?? '', /causeway site run/);
  });

  it('prints usage for --help of every command and exits 0', async () => {
    const results = await runAll(
      fx,
      COMMANDS.map((c) => [...c, '--help']),
    );
    for (const [i, result] of results.entries()) {
      const name = ['causeway', ...(COMMANDS[i] ?? [])].join(' ');
      assert.equal(result.code, 0, `${name} --help exited ${result.code}: ${result.stderr}`);
      assert.match(
        result.stdout,
        new RegExp(`^Usage: ${name} `, 'm'),
        `${name} --help prints its usage`,
      );
      assert.match(result.stdout, /-h, --help/);
      assert.equal(result.stderr, '');
    }
    // The list above is complete: every command the root help lists is covered.
    const commandsSection =
      (results[0]?.stdout ?? '').split('Commands:\n')[1]?.split('\n\n')[0] ?? '';
    const listed = [...commandsSection.matchAll(/^ {2}([a-z]+)\b/gm)]
      .map((m) => m[1])
      .filter((c) => c !== 'help');
    assert.deepEqual(
      new Set(listed),
      new Set(COMMANDS.filter((c) => c.length === 1).map((c) => c[0])),
    );
  });

  it('exits 2 on usage errors, naming the option, in text or JSON', async () => {
    const expose = [
      'expose',
      'web',
      '--namespace',
      'shop',
      '--port',
      '99999',
      '--to',
      '127.0.0.1:9000',
      '--dir',
      fx.dir('good'),
    ];
    const [unknown, missing, port, portJson, badFormat, noToken] = await runAll(fx, [
      ['status', '--bogus'],
      ['expose', 'web', '--port', '80', '--to', '127.0.0.1:9000', '--dir', fx.dir('good')],
      expose,
      [...expose, '--output', 'json'],
      ['status', '--dir', fx.dir('good'), '--output', 'yaml'],
      [
        'link',
        'create',
        '--dir',
        fx.dir('good'),
        '--token',
        join(fx.root, 'missing.token'),
        '--output',
        'json',
      ],
    ]);
    assert.equal(unknown?.code, 2);
    assert.match(unknown?.stderr ?? '', /unknown option '--bogus'/);
    assert.equal(missing?.code, 2);
    assert.match(missing?.stderr ?? '', /--namespace/);

    assert.equal(port?.code, 2, port?.stderr);
    assert.match(port?.stderr ?? '', /--port.*99999.*1 to 65535/);
    assert.doesNotMatch(
      port?.stderr ?? '',
      /^\s+at /m,
      'a bad option value must not crash with a stack trace',
    );
    assert.equal(portJson?.code, 2, portJson?.stderr);
    assert.equal(portJson && jsonError(portJson).code, 'CW_INPUT_INVALID');
    assert.match((portJson && jsonError(portJson).message) ?? '', /--port/);
    assert.ok(
      !(await readFile(join(fx.dir('good'), 'site.yaml'), 'utf8')).includes('web'),
      'nothing was exposed',
    );

    assert.equal(badFormat?.code, 2);
    assert.match(badFormat?.stderr ?? '', /--output: "yaml"/);
    assert.equal(noToken?.code, 2);
    assert.equal(noToken && jsonError(noToken).code, 'CW_INPUT_INVALID');
    assert.match((noToken && jsonError(noToken).message) ?? '', /--token: cannot read .*ENOENT/);
  });

  it('names the flag at fault when a single-writer export or a lease store is mistyped', async () => {
    const expose = [
      'expose',
      'ledger',
      '--namespace',
      'pay',
      '--port',
      '80',
      '--to',
      '127.0.0.1:8080',
      '--dir',
      fx.dir('good'),
      '--output',
      'json',
    ];
    const results = await runAll(fx, [
      // SCTP is not carried (TCP, UDP and HTTP are).
      [...expose, '--protocol', 'sctp'],
      [...expose, '--protocol', 'http', '--writes', 'single-writer'],
      [...expose, '--writes', 'single-writer', '--lease', 'payments-writer'],
      [...expose, '--protocol', 'http', '--writes', 'single-writer', '--lease', '../etc/passwd'],
      [
        ...expose,
        '--protocol',
        'http',
        '--writes',
        'single-writer',
        '--lease',
        'w',
        '--read-methods',
        'GET,GET /',
      ],
      ['lease', 'store', '--etcd', '10.0.0.5:2379', '--dir', fx.dir('good'), '--output', 'json'],
    ]);
    const expected = ['--protocol', '--lease', '--protocol', '--lease', '--read-methods', '--etcd'];
    for (const [i, result] of results.entries()) {
      assert.equal(result.code, 2, `case ${i}: ${result.stderr}`);
      const error = jsonError(result);
      assert.equal(error.code, 'CW_INPUT_INVALID');
      assert.ok(
        error.message.includes(expected[i] ?? '?'),
        `case ${i} names ${expected[i]}: ${error.message}`,
      );
    }
    assert.ok(
      !(await readFile(join(fx.dir('good'), 'site.yaml'), 'utf8')).includes('ledger'),
      'nothing was exposed',
    );
    const wait = await fx.cli(
      [
        'kube',
        'install',
        '--context',
        'x',
        '--site',
        's',
        '--zone',
        'z',
        '--region',
        'r',
        '--wait',
        'soon',
      ],
      true,
    );
    assert.equal(wait.code, 2, wait.stderr);
    assert.match(wait.stderr, /^error: --wait: invalid duration "soon"/m);
    assert.match(wait.stderr, /^hint: e\.g\. --wait 3m, or --wait 0/m);
    const hold = await fx.cli(
      ['site', 'run', '--hold-lease', 'bad/name', '--dir', fx.dir('good')],
      true,
    );
    assert.equal(hold.code, 2, hold.stderr);
    assert.match(hold.stderr, /^error: --hold-lease: "bad\/name" is not a lease name/m);
    const address = await fx.cli(
      ['site', 'run', '--import-address', '10.0.0.300', '--dir', fx.dir('good')],
      true,
    );
    assert.equal(address.code, 2, address.stderr);
    assert.match(address.stderr, /^error: --import-address: "10\.0\.0\.300" is not an IP address/m);
    assert.match(address.stderr, /--import-address 10\.0\.3\.7/, 'the hint shows the form');
  });
});
