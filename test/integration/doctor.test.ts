import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DoctorCheck } from '../../src/doctor/index.js';
import { ClustersetFixture } from '../support/clusterset-fixture.js';
import { startEchoServer } from '../support/tcp-probes.js';

interface DoctorJson {
  site: string;
  exit: number;
  checks: DoctorCheck[];
}

describe('causeway doctor', () => {
  let fx: ClustersetFixture;
  let echo: { server: Server; port: number };

  const doctor = async (site: string): Promise<{ code: number; report: DoctorJson }> => {
    const r = await fx.cli(['doctor', '--dir', fx.dir(site), '--output', 'json'], true);
    return { code: r.code, report: JSON.parse(r.stdout) as DoctorJson };
  };
  const find = (r: DoctorJson, prefix: string): DoctorCheck | undefined =>
    r.checks.find((c) => c.check.startsWith(prefix));

  before(async () => {
    fx = await ClustersetFixture.create();
    echo = await startEchoServer();
    await fx.initClusterset(['eu-west', 'us-east']);
    await fx.expose('eu-west', 'echo.shop', 7000, `127.0.0.1:${echo.port}`);
    await fx.importService('us-east', 'echo.shop');
    await fx.startRouter('eu-west');
    await fx.startRouter('us-east');
    await fx.link('us-east', 'eu-west');
    await fx.importAddress('us-east', 'echo.shop');
  });

  after(async () => {
    await fx.close();
    echo.server.close();
  });

  it('passes a healthy site: link up with its RTT, certificates, DNS, backend and listener', async () => {
    const { code, report } = await doctor('eu-west');
    assert.equal(code, 0, JSON.stringify(report.checks, null, 1));
    assert.match(find(report, 'link us-east')?.message ?? '', /^up, /);
    assert.match(find(report, 'certificate site')?.message ?? '', /valid for \d+ more days/);
    assert.equal(find(report, 'dns')?.severity, 'ok');
    assert.equal(find(report, 'export echo.shop')?.severity, 'ok');
    const us = await doctor('us-east');
    assert.equal(find(us.report, 'import echo.shop')?.severity, 'ok');
  });

  it('fails an export whose backend refuses, naming it, with exit 6 and a hint', async () => {
    await new Promise<void>((r) => echo.server.close(() => r()));
    const { code, report } = await doctor('eu-west');
    assert.equal(code, 6);
    const check = find(report, 'export echo.shop');
    assert.equal(check?.severity, 'failure');
    assert.match(check?.message ?? '', /refuses: ECONNREFUSED/);
    const text = await fx.cli(['doctor', '--dir', fx.dir('eu-west')], true);
    assert.match(text.stdout, /FAIL\s+export echo\.shop:7000/);
    assert.match(text.stdout, /hint: export echo\.shop:7000: start the backend/);
  });

  it('fails a link whose peer stopped', async () => {
    await fx.stopRouter('eu-west');
    const deadline = Date.now() + 20_000;
    let report: DoctorJson | undefined;
    while (Date.now() < deadline) {
      report = (await doctor('us-east')).report;
      if (find(report, 'link eu-west')?.severity === 'failure') break;
    }
    assert.equal(
      find(report ?? { site: '', exit: 0, checks: [] }, 'link eu-west')?.severity,
      'failure',
    );
    assert.equal(report?.exit, 6);
  });

  it('says no router runs, with exit 3', async () => {
    const r = await fx.cli(['doctor', '--dir', fx.dir('eu-west')], true);
    assert.equal(r.code, 3);
  });
});
