import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { RouterProcess } from '../../src/demo/index.js';
import { decodeToken, encodeToken } from '../../src/token/index.js';
import type { CliResult } from '../support/cli-runner.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import {
  metricSeries,
  metricValue,
  routerLog,
  waitForLogLines,
  waitForMetrics,
} from '../support/router-observations.js';

const REDEMPTIONS = 'causeway_token_redemptions_total';

describe('token redemption: every bad token is refused with a code, a metric and a log line', () => {
  let fx: ClustersetFixture;
  let issuer: RouterProcess;
  /** Every secret that existed during the run, genuine or forged, and the token texts carrying them. */
  const secrets = new Set<string>();
  const tokenTexts = new Set<string>();
  /** A genuine, unredeemed token of clusterset Y whose endpoint is the issuer's (clusterset X) link port. */
  let strangerToken: { text: string; file: string };
  /** Every CLI output except `token issue`'s stdout, which is the one place a secret may appear. */
  const outputs: string[] = [];
  let tokenFiles = 0;

  async function cli(args: string[]): Promise<CliResult> {
    const result = await fx.cli(args, true);
    outputs.push(
      result.stderr,
      ...(args[0] === 'token' && args[1] === 'issue' ? [] : [result.stdout]),
    );
    return result;
  }

  /** `token issue` on `site`; returns the token text and a file holding it. */
  async function issue(
    site: string,
    extra: string[] = [],
  ): Promise<{ text: string; file: string }> {
    const result = await cli(['token', 'issue', '--dir', fx.dir(site), ...extra]);
    assert.equal(result.code, 0, result.stderr);
    const text = extra.includes('json')
      ? (JSON.parse(result.stdout) as { token: string }).token
      : result.stdout.trim();
    remember(text);
    return { text, file: await tokenFile(text) };
  }

  function remember(text: string): void {
    tokenTexts.add(text);
    secrets.add(decodeToken(text).secret);
  }

  async function tokenFile(text: string): Promise<string> {
    const file = join(fx.root, `t${(tokenFiles += 1)}.token`);
    await writeFile(file, `${text}\n`);
    return file;
  }

  /** `link create --output json` on `site`; returns the exit code and the error code on failure. */
  async function redeem(
    site: string,
    file: string,
  ): Promise<{ code: number; error?: { code: string; message: string; hint?: string } }> {
    const result = await cli([
      'link',
      'create',
      '--dir',
      fx.dir(site),
      '--token',
      file,
      '--output',
      'json',
    ]);
    if (result.code === 0) return { code: 0 };
    return {
      code: result.code,
      error: (
        JSON.parse(result.stderr) as { error: { code: string; message: string; hint?: string } }
      ).error,
    };
  }

  async function redemptions(result: string): Promise<number> {
    return metricValue(await issuer.api.metrics(), REDEMPTIONS, { result });
  }

  async function expectCounted(result: string, before: number, by = 1): Promise<void> {
    await waitForMetrics(issuer, (t) => metricValue(t, REDEMPTIONS, { result }) === before + by);
  }

  const refusedWith = (code: string) => (line: { msg: string; [k: string]: unknown }) =>
    line.msg === 'link token refused' && line['code'] === code;

  before(async () => {
    fx = await ClustersetFixture.create();
    await fx.initSite('issuer');
    [issuer] = await Promise.all([
      fx.startRouter('issuer'),
      fx.initSite('member'),
      fx.initSite('fresh'),
    ]);
    // Clusterset Y: its tokens name the issuer's address, so a redeemer that dials them reaches X.
    await fx.initSite('stranger', ['--advertise', `127.0.0.1:${issuer.runtime.linkAddress.port}`]);
    const [join, stranger] = await Promise.all([issue('issuer'), issue('stranger')]);
    strangerToken = stranger;
    assert.equal(
      (await redeem('member', join.file)).code,
      0,
      'the member could not join the issuer clusterset',
    );
  });

  after(async () => {
    await fx.close();
  });

  it('refuses a replayed one-use token: CW_TOKEN_USED_UP, exit 4', async () => {
    const { file } = await issue('issuer');
    const [ok, usedUp] = [await redemptions('ok'), await redemptions('CW_TOKEN_USED_UP')];
    assert.equal((await redeem('member', file)).code, 0);
    await expectCounted('ok', ok);

    const replay = await redeem('member', file);
    assert.equal(replay.code, 4);
    assert.equal(replay.error?.code, 'CW_TOKEN_USED_UP');
    assert.match(replay.error?.message ?? '', /already been used/);
    await expectCounted('CW_TOKEN_USED_UP', usedUp);
    const lines = await waitForLogLines(issuer.dir, refusedWith('CW_TOKEN_USED_UP'), 1);
    assert.equal(lines.at(-1)?.['peer'], 'member', 'the refusal log names the redeeming site');
  });

  it('refuses the third redemption of a two-use token', async () => {
    const { text, file } = await issue('issuer', ['--uses', '2']);
    const usedUp = await redemptions('CW_TOKEN_USED_UP');
    assert.equal((await redeem('member', file)).code, 0);
    assert.equal((await redeem('member', file)).code, 0);
    const third = await redeem('member', file);
    assert.equal(third.code, 4);
    assert.equal(third.error?.code, 'CW_TOKEN_USED_UP');
    await expectCounted('CW_TOKEN_USED_UP', usedUp);
    const store = JSON.parse(await readFile(join(fx.dir('issuer'), 'tokens.json'), 'utf8')) as {
      tokens: Array<{ id: string; usesLeft: number }>;
    };
    assert.equal(
      store.tokens.find((t) => t.id === decodeToken(text).id)?.usesLeft,
      0,
      'a used-up token is kept at 0 uses',
    );
  });

  it('refuses an expired token: CW_TOKEN_EXPIRED, exit 4', async () => {
    const { text, file } = await issue('issuer', ['--expires', '1s', '--output', 'json']);
    const expired = await redemptions('CW_TOKEN_EXPIRED');
    const expiresAt = decodeToken(text).expiresAt.getTime(); // 1 s, rounded up to the next whole second
    assert.ok(expiresAt - Date.now() <= 2_000);
    // The issuer reads its own wall clock: the token must really be past its expiry, no sooner.
    await sleep(Math.max(0, expiresAt - Date.now()) + 100);
    const result = await redeem('member', file);
    assert.equal(result.code, 4);
    assert.equal(result.error?.code, 'CW_TOKEN_EXPIRED');
    await expectCounted('CW_TOKEN_EXPIRED', expired);
    await waitForLogLines(issuer.dir, refusedWith('CW_TOKEN_EXPIRED'), 1);
  });

  it('refuses a forged secret without spending the genuine token', async () => {
    const { text, file } = await issue('issuer');
    const forged = { ...decodeToken(text), secret: randomBytes(32).toString('base64url') };
    remember(encodeToken(forged));
    const [forgedBefore, ok] = [await redemptions('CW_TOKEN_FORGED'), await redemptions('ok')];
    const result = await redeem('member', await tokenFile(encodeToken(forged)));
    assert.equal(result.code, 4);
    assert.equal(result.error?.code, 'CW_TOKEN_FORGED');
    await expectCounted('CW_TOKEN_FORGED', forgedBefore);
    await waitForLogLines(issuer.dir, refusedWith('CW_TOKEN_FORGED'), 1);

    assert.equal((await redeem('member', file)).code, 0, 'the forgery used up the genuine token');
    await expectCounted('ok', ok);
  });

  it('refuses a token of another clusterset on a site that already belongs to one', async () => {
    const strangerDomain = decodeToken(strangerToken.text).trustDomain;
    const metricsBefore = await issuer.api.metrics();
    // member has a link; issuer has handed out tokens: neither may switch clustersets.
    const sites = ['member', 'issuer'];
    const configsBefore = await Promise.all(
      sites.map((site) => readFile(join(fx.dir(site), 'site.yaml'), 'utf8')),
    );
    const results = await Promise.all(sites.map((site) => redeem(site, strangerToken.file)));
    for (const [i, site] of sites.entries()) {
      const [result, configBefore] = [results[i], configsBefore[i]];
      assert.equal(result?.code, 4, site);
      assert.equal(result?.error?.code, 'CW_TOKEN_OTHER_CLUSTERSET', site);
      assert.match(
        result?.error?.message ?? '',
        new RegExp(`clusterset ${strangerDomain.replaceAll('.', '\\.')}.*already belongs`),
      );
      assert.ok(result?.error?.hint !== undefined, 'the refusal carries a hint');
      assert.equal(
        await readFile(join(fx.dir(site), 'site.yaml'), 'utf8'),
        configBefore,
        `${site}.yaml changed`,
      );
    }
    // Refused before dialing: the issuer's desk saw nothing.
    assert.deepEqual(
      metricSeries(await issuer.api.metrics(), REDEMPTIONS),
      metricSeries(metricsBefore, REDEMPTIONS),
    );
  });

  it('refuses, before sending the secret, an endpoint served by another clusterset', async () => {
    const { file } = strangerToken; // names the issuer's address, but pins clusterset Y's CA
    const before = metricSeries(await issuer.api.metrics(), REDEMPTIONS);
    const freshConfig = await readFile(join(fx.dir('fresh'), 'site.yaml'), 'utf8');
    const result = await redeem('fresh', file);
    assert.equal(result.code, 4);
    assert.equal(result.error?.code, 'CW_TOKEN_OTHER_CLUSTERSET');
    assert.match(result.error?.message ?? '', /does not belong to clusterset/);

    // Had the secret been sent, the issuer would have answered CW_TOKEN_UNKNOWN; at most it saw a
    // connection close without a request. A barrier instead of a pause: a forged redemption opened
    // after that close is counted only once the issuer has handled every event before it.
    const { text } = await issue('issuer');
    const forged = { ...decodeToken(text), secret: randomBytes(32).toString('base64url') };
    remember(encodeToken(forged));
    const forgedBefore = await redemptions('CW_TOKEN_FORGED');
    assert.equal((await redeem('member', await tokenFile(encodeToken(forged)))).code, 4);
    await expectCounted('CW_TOKEN_FORGED', forgedBefore);
    const afterSeries = metricSeries(await issuer.api.metrics(), REDEMPTIONS);
    for (const [labels, value] of afterSeries) {
      if (!/result="(CW_LINK_REDEEM_FAILED|CW_TOKEN_FORGED)"/.test(labels))
        assert.equal(value, before.get(labels) ?? 0, `${labels} changed`);
    }
    assert.equal(afterSeries.get('result="CW_TOKEN_UNKNOWN"'), undefined);
    // The would-be joiner kept its own clusterset and CA.
    assert.equal(await readFile(join(fx.dir('fresh'), 'site.yaml'), 'utf8'), freshConfig);
    await stat(join(fx.dir('fresh'), 'ca.key'));
  });

  it('refuses malformed token text with exit 2 and CW_TOKEN_MALFORMED', async () => {
    const { text } = strangerToken;
    const samples = ['hello', text.slice(0, Math.floor(text.length / 2)), 'cwt2.e30'];
    const files = await Promise.all(samples.map(tokenFile));
    const [plain, ...results] = await Promise.all([
      cli(['link', 'create', '--dir', fx.dir('member'), '--token', await tokenFile('garbage')]),
      ...files.map((file) => redeem('member', file)),
    ]);
    for (const [i, result] of results.entries()) {
      assert.equal(result.code, 2, `exit code for ${JSON.stringify(samples[i]?.slice(0, 20))}`);
      assert.equal(result.error?.code, 'CW_TOKEN_MALFORMED');
      assert.match(result.error?.hint ?? '', /cwt1\./);
    }
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /^error: link token is malformed/m);
    assert.match(plain.stderr, /^hint: /m);
  });

  it('keeps key files and the token store owner-only, and prints a secret only once, on issue', async () => {
    for (const file of ['site.key', 'ca.key', 'tokens.json']) {
      assert.equal(
        (await stat(join(fx.dir('issuer'), file))).mode & 0o777,
        0o600,
        `issuer/${file}`,
      );
    }
    assert.equal((await stat(fx.dir('issuer'))).mode & 0o777, 0o700, 'site directory');
    assert.equal(
      (await stat(join(fx.dir('member'), 'site.key'))).mode & 0o777,
      0o600,
      'member/site.key after joining',
    );
    await assert.rejects(
      stat(join(fx.dir('member'), 'ca.key')),
      { code: 'ENOENT' },
      'a joined site keeps no CA key',
    );

    const [issued, json] = await Promise.all([
      fx.cli(['token', 'issue', '--dir', fx.dir('issuer')]),
      fx.cli(['token', 'issue', '--dir', fx.dir('issuer'), '--output', 'json']),
    ]);
    // The secret travels inside the base64url token text: the text is what must appear just once.
    const text = issued.stdout.trim();
    remember(text);
    assert.equal(issued.stdout, `${text}\n`, 'text output is the token alone');
    assert.equal(
      issued.stderr,
      '',
      'nothing about the token on stderr when stdout is not a terminal',
    );
    const jsonToken = (JSON.parse(json.stdout) as { token: string }).token;
    remember(jsonToken);
    assert.equal(json.stdout.split(jsonToken).length - 1, 1);
    const jsonSecret = decodeToken(jsonToken).secret;
    assert.ok(
      !json.stdout.includes(jsonSecret) && !json.stderr.includes(jsonSecret),
      'the secret is only inside the token text',
    );
  });

  it('never writes a secret to a router log, the token store, or any other CLI output', async () => {
    await Promise.all([
      cli(['token', 'list', '--dir', fx.dir('issuer'), '--output', 'json']),
      cli(['status', '--dir', fx.dir('issuer'), '--output', 'json']),
    ]);
    const files = (await readdir(fx.root, { recursive: true })).filter(
      (f) => f.endsWith('router.log') || f.endsWith('tokens.json') || f.endsWith('site.yaml'),
    );
    assert.ok(
      files.some((f) => f.endsWith('router.log')) && files.some((f) => f.endsWith('tokens.json')),
    );
    const haystacks = [
      ...outputs,
      ...(await Promise.all(files.map((f) => readFile(join(fx.root, f), 'utf8')))),
    ];
    assert.ok(secrets.size >= 8, `only ${secrets.size} secrets were tracked`);
    for (const needle of [...secrets, ...tokenTexts]) {
      for (const text of haystacks) assert.ok(!text.includes(needle), 'a token secret leaked');
    }
    // The issuer did log the refusals, so an empty log cannot pass this test.
    assert.ok((await routerLog(issuer.dir)).some((l) => l.msg === 'link token refused'));
  });
});
