import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { Server } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { parse, stringify } from 'yaml';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startConsoleProcess, type ConsoleProcess } from '../support/console-process.js';
import { launchChromium } from '../support/headless-browser.js';
import { roundTrip, startEchoServer } from '../support/tcp-probes.js';

const SITES = ['eu', 'us', 'ap'];
const FLOWS = 12;
/** Longest wait for the pages to show a change (the console refreshes every second). */
const PAGE_WAIT_MS = 30_000;

describe('web console in a real browser, against three live routers', () => {
  let fx: ClustersetFixture;
  let backend: { server: Server; port: number };
  let web: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  let shots: string;
  const usToken = 'us-console-token-0123456789abcdef';
  let usConsolePort: number;

  before(async () => {
    console.log(
      `load average at start: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    fx = await ClustersetFixture.create();
    shots = await mkdtemp(join(tmpdir(), 'causeway-console-shots-'));
    backend = await startEchoServer();
    await fx.initClusterset(SITES);
    // us serves its own console (site.yaml), as a router on Kubernetes does behind its Service.
    usConsolePort = await freeLoopbackPort();
    await writeFile(join(fx.root, 'us-console.token'), `${usToken}\n`);
    await editSiteYaml(fx.dir('us'), (c) => {
      c.console = {
        listen: `127.0.0.1:${usConsolePort}`,
        tokenFile: join(fx.root, 'us-console.token'),
      };
    });
    await fx.startRouter('eu', ['--hold-lease', 'orders-writer']);
    await fx.startRouter('us');
    await fx.startRouter('ap');
    await fx.link('us', 'eu');
    await fx.link('ap', 'eu');
    await fx.link('ap', 'us');
    for (const site of ['us', 'ap'])
      await fx.cli([
        'expose',
        'web',
        '--namespace',
        'shop',
        '--port',
        '8080',
        '--to',
        `127.0.0.1:${backend.port}`,
        '--dir',
        fx.dir(site),
      ]);
    await fx.cli([
      'import',
      'web',
      '--namespace',
      'shop',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('eu'),
    ]);
    await fx.waitFor('eu', (s) => s.links.filter((l) => l.state === 'up').length === 2);
    await fx.waitFor('eu', (s) =>
      s.services.some((v) => v.name === 'web' && (v.readySites ?? []).length === 2),
    );
    const address = await fx.importAddress('eu', 'web.shop');
    for (let i = 0; i < FLOWS; i++) await roundTrip(address, Buffer.alloc(4096, i));
    web = await startConsoleProcess(fx.dir('eu'));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 860 });
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
    await fx?.close();
    backend?.server.close();
    console.log(`screenshots: ${shots}`);
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  });

  it('opens with the printed URL and paints the topology the API reports', async () => {
    const baseline = await staticFirstPaint(browser);
    await page.goto(web.url);
    await page.waitForSelector('[data-site-name="eu"]', { timeout: PAGE_WAIT_MS });
    const paint = await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1;
      const data = performance.getEntriesByName('console:first-data')[0]?.startTime ?? -1;
      return { fcp, data };
    });
    console.log(
      `console first contentful paint ${paint.fcp.toFixed(0)} ms, topology with data at ${paint.data.toFixed(0)} ms; ` +
        `same-run baseline (one static page, plain node:http) first contentful paint ${baseline.toFixed(0)} ms`,
    );
    assert.ok(paint.fcp > 0, 'the browser recorded a first contentful paint');
    assert.ok(paint.data >= paint.fcp, 'the data came after the first paint');
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');

    const status = await fx.status('eu');
    const expected = new Set([
      status.site.id,
      ...status.links.map((l) => l.peer),
      ...status.routes.map((r) => r.site),
    ]);
    assert.deepEqual(new Set(await attributeValues(page, '[data-site]', 'data-site')), expected);
    for (const l of status.links)
      await page.waitForSelector(`[data-link="${l.peer}"][data-state="${l.state}"]`, {
        timeout: PAGE_WAIT_MS,
      });
    const partition = await page.$eval('[data-card="partition"]', (el) => el.textContent ?? '');
    assert.match(
      partition,
      new RegExp(`quorum ${status.partition?.quorum} of ${status.partition?.members.length}`),
    );
    await page.waitForSelector('[data-lease="orders-writer"]', { timeout: PAGE_WAIT_MS });
    const lease = await page.$eval('[data-lease="orders-writer"]', (el) => el.textContent ?? '');
    assert.match(lease, /held here/);
    assert.match(lease, /eu/);
    await page.screenshot({ path: join(shots, 'topology.png') });
  });

  it('lists the clusterset services with their exporters as the API merges them', async () => {
    await page.click('[data-nav="services"]');
    await page.waitForSelector('[data-service="web.shop"]', { timeout: PAGE_WAIT_MS });
    const view = (await fx.status('eu')).services.find((s) => s.name === 'web');
    assert.ok(view !== undefined);
    const exporters = await attributeValues(
      page,
      '[data-service="web.shop"] [data-exporter]',
      'data-exporter',
    );
    assert.deepEqual(exporters.sort(), [...view.sites].sort());
    const ready = await attributeValues(
      page,
      '[data-service="web.shop"] [data-exporter]',
      'data-ready',
    );
    assert.deepEqual(
      ready,
      view.sites.map((s) => String((view.readySites ?? []).includes(s))),
    );
    await page.screenshot({ path: join(shots, 'services.png') });
  });

  it('shows the flows the router counted in its own ring, per service and site pair', async () => {
    await page.click('[data-nav="traffic"]');
    const traffic = await fx.routers.get('eu')?.api.traffic(300);
    const ingress =
      traffic?.series.filter((s) => s.side === 'ingress' && s.service === 'web') ?? [];
    assert.equal(
      ingress.reduce((n, s) => n + s.flows, 0),
      FLOWS,
    );
    await page.waitForFunction(
      (flows) =>
        [...document.querySelectorAll('[data-traffic="web.shop"]')]
          .filter((row) => row.children[1]?.textContent === 'ingress')
          .reduce((n, row) => n + Number(row.getAttribute('data-flows')), 0) === flows,
      { timeout: PAGE_WAIT_MS },
      FLOWS,
    );
    const charts = await attributeValues(page, '[data-chart]', 'data-chart');
    assert.deepEqual(charts, ['flows and requests per second', 'bytes per second']);
    await page.screenshot({ path: join(shots, 'traffic.png'), fullPage: true });
  });

  it('shows cost when the router accounts for it, and says so when it does not', async () => {
    await page.click('[data-nav="cost"]');
    const metrics = (await fx.routers.get('eu')?.api.metrics()) ?? '';
    const accounted = metrics.includes('causeway_transfer_bytes_total');
    await page.waitForSelector(accounted ? '[data-table="cost"]' : '[data-empty="cost"]', {
      timeout: PAGE_WAIT_MS,
    });
    await page.screenshot({ path: join(shots, 'cost.png') });
  });

  it('follows a site that dies without a reload: its link goes down and it leaves the reachable set', async () => {
    await page.click('[data-nav="topology"]');
    await page.waitForSelector('[data-link="ap"][data-state="up"]', { timeout: PAGE_WAIT_MS });
    const before = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    await fx.stopRouter('ap');
    await page.waitForSelector('[data-link="ap"]:not([data-state="up"])', {
      timeout: PAGE_WAIT_MS,
    });
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-unreachable]')
          ?.getAttribute('data-unreachable')
          ?.split(',')
          .includes('ap'),
      { timeout: PAGE_WAIT_MS },
    );
    const status = await fx.status('eu');
    assert.ok(status.partition?.unreachable.includes('ap'));
    assert.equal(
      await page.evaluate(() => performance.getEntriesByType('navigation').length),
      before,
      'no reload',
    );
    await page.screenshot({ path: join(shots, 'topology-ap-down.png') });
  });

  it('refuses bad input with the field and a hint, and a site without a router with exit 3', async () => {
    const noRouter = await fx.cli(['console', '--dir', fx.dir('ap')], true);
    assert.equal(noRouter.code, 3);
    assert.match(noRouter.stderr, /hint: start it with `causeway site run/);
    const badListen = await fx.cli(['console', '--dir', fx.dir('eu'), '--listen', 'nowhere'], true);
    assert.equal(badListen.code, 2);
    assert.match(badListen.stderr, /--listen: "nowhere" is not host:port/);
    const badRange = await fetch(`http://127.0.0.1:${web.port}/api/snapshot?rangeSeconds=soon`, {
      headers: { authorization: `Bearer ${web.token}` },
    });
    assert.equal(badRange.status, 400);
    assert.match(((await badRange.json()) as { error: string }).error, /^rangeSeconds:/);
  });

  it("guards the router's own console with its token: none or a wrong one is 401, the right one serves", async () => {
    const base = `http://127.0.0.1:${usConsolePort}`;
    const none = await fetch(`${base}/`);
    assert.equal(none.status, 401);
    assert.match(await none.text(), /hint:/);
    const wrong = await fetch(`${base}/api/snapshot`, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { code: string }).code, 'CW_CONSOLE_TOKEN_REFUSED');
    assert.equal((await fetch(`${base}/?token=not-the-token`, { redirect: 'manual' })).status, 401);
    const link = await fetch(`${base}/?token=${usToken}`, { redirect: 'manual' });
    assert.equal(link.status, 303);
    const cookie = (link.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const pageAnswer = await fetch(`${base}/`, { headers: { cookie } });
    assert.equal(pageAnswer.status, 200);
    assert.match(await pageAnswer.text(), /console\.js/);
    const snapshot = await fetch(`${base}/api/snapshot`, {
      headers: { authorization: `Bearer ${usToken}` },
    });
    assert.equal(
      ((await snapshot.json()) as { status: { site: { id: string } } }).status.site.id,
      'us',
    );
    // And in the browser: the right link shows us's own view.
    const tab = await browser.newPage();
    await tab.goto(`${base}/?token=${usToken}`);
    await tab.waitForSelector('[data-site-name="us"]', { timeout: PAGE_WAIT_MS });
    await tab.close();
  });

  it('says so, keeping the last view, when its own router stops answering', async () => {
    await fx.stopRouter('eu');
    await page.waitForSelector('[data-problem]', { timeout: PAGE_WAIT_MS });
    const problem = await page.$eval('[data-problem]', (el) => el.textContent ?? '');
    assert.match(problem, /not running/);
    assert.ok((await page.$('[data-site="eu"]')) !== null, 'the last topology stays on the page');
    await page.screenshot({ path: join(shots, 'router-stopped.png') });
  });
});

async function attributeValues(page: Page, selector: string, name: string): Promise<string[]> {
  return page.$$eval(selector, (els, n) => els.map((el) => el.getAttribute(n) ?? ''), name);
}

async function editSiteYaml(
  dir: string,
  edit: (config: Record<string, unknown>) => void,
): Promise<void> {
  const file = join(dir, 'site.yaml');
  const config = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(config);
  await writeFile(file, stringify(config));
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** First contentful paint of one small static page from a plain node:http server, in the same browser. */
async function staticFirstPaint(browser: Browser): Promise<number> {
  const server: HttpServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>baseline</title><h1>Causeway</h1><p>static page</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${port}/`);
  await tab.waitForFunction(
    () => performance.getEntriesByName('first-contentful-paint').length > 0,
    { timeout: PAGE_WAIT_MS },
  );
  const fcp = await tab.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
  );
  await tab.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return fcp;
}
