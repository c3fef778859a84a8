import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GSLB_WAN, GSLB_ZONE, GslbLab } from '../lab/gslb-lab.js';
import { netnsAvailable, netnsSkip } from '../lab/netns-skip.js';

// Global DNS through a real caching resolver: three regions each answer the zone from their own
// router's clusterset view; unbound caches the answers for their TTL; a client digs and curls the
// name through it. eu's WAN port goes down under the client loop, later comes back.

const NAME = `api.${GSLB_ZONE}`;
const TTL_S = 5;
const HOLD_DOWN_S = 3;
/** The routers declare a silent link dead after 900 ms; 1.5 s leaves room on a busy machine. */
const DETECTION_MS = 1_500;
/** unbound's retry of a server that stopped answering, and the client's one-second timeouts. */
const RESOLVER_SLACK_MS = 2_000;
const LOOP_SECONDS = 32;
const CUT_AT_MS = 4_000;
const HEAL_AT_MS = 16_000;

interface Sample {
  /** When the sample's dig started, and when its curl ended (ms since the epoch). */
  at: number;
  end: number;
  address: string;
  body: string;
}

test(
  'a region cut under a client loop: answers through unbound move within detection + TTL, and come back after the hold-down',
  { skip: netnsSkip, timeout: 180_000 },
  async () => {
    assert.ok(
      netnsAvailable,
      'CI=true but network namespaces are not available: run as root with iproute2 installed',
    );
    const lab = await GslbLab.create('cwg');
    try {
      await lab.startRegions();
      await lab.initGslb();
      await lab.setFailoverRecord('api', TTL_S, HOLD_DOWN_S);
      await lab.gslb([
        'set',
        'geo',
        '--service',
        'shop/web',
        '--strategy',
        'geo',
        '--target',
        `eu=${GSLB_WAN.eu}`,
        '--target',
        `us=${GSLB_WAN.us}`,
        '--target',
        `ap=${GSLB_WAN.ap}`,
      ]);
      await lab.startGslbServers();
      // Every region answers eu once its router sees all three exports ready.
      for (const region of ['eu', 'us', 'ap'] as const) {
        await lab.waitFor(
          `${region}'s GSLB answering eu`,
          async () =>
            (await lab.dig([`@${GSLB_WAN[region]}`, NAME, '+short'])).stdout.trim() === GSLB_WAN.eu,
          30_000,
        );
      }
      await lab.startResolver();

      // Authoritative answers as dig shows them: AA, TTL, SOA on NXDOMAIN, REFUSED outside the zone, geo by ECS.
      const direct = await lab.dig([`@${GSLB_WAN.us}`, NAME, '+norecurse']);
      assert.match(direct.stdout, /flags: qr aa/);
      assert.match(
        direct.stdout,
        new RegExp(`${NAME}\\.\\s+${TTL_S}\\s+IN\\s+A\\s+${GSLB_WAN.eu.replaceAll('.', '\\.')}`),
      );
      const missing = await lab.dig([`@${GSLB_WAN.us}`, `nope.${GSLB_ZONE}`]);
      assert.match(missing.stdout, /status: NXDOMAIN/);
      assert.match(missing.stdout, /AUTHORITY SECTION:\n.*SOA/);
      assert.match((await lab.dig([`@${GSLB_WAN.us}`, 'example.org'])).stdout, /status: REFUSED/);
      assert.equal(
        (
          await lab.dig([
            `@${GSLB_WAN.us}`,
            `geo.${GSLB_ZONE}`,
            '+short',
            `+subnet=${GSLB_WAN.ap}/32`,
          ])
        ).stdout.trim(),
        GSLB_WAN.ap,
      );
      assert.equal(
        (
          await lab.dig([
            `@${GSLB_WAN.us}`,
            `geo.${GSLB_ZONE}`,
            '+short',
            '+tcp',
            `+subnet=${GSLB_WAN.us}/32`,
          ])
        ).stdout.trim(),
        GSLB_WAN.us,
      );
      assert.match(
        (await lab.dig(['+short', NAME])).stdout,
        new RegExp(GSLB_WAN.eu),
        'through unbound',
      );
      // explain asks a live router, as the servers do, and says which site a subnet gets and why.
      const explained = JSON.parse(
        (
          await lab.gslb([
            'explain',
            'geo',
            '--client',
            `${GSLB_WAN.ap}/32`,
            '--router',
            lab.sites.fx.dir('us'),
            '--output',
            'json',
          ])
        ).stdout,
      ) as { answer: { sites: string[]; reason: string } };
      assert.deepEqual(explained.answer.sites, ['ap']);
      assert.match(
        explained.answer.reason,
        /ecs 192\.0\.2\.33\/32 → ap \(192\.0\.2\.33\/32\); healthy in region/,
      );

      const loop = lab.clientLoop(NAME, LOOP_SECONDS, 100);
      const lines: string[] = [];
      let pending = '';
      loop.stdout?.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        lines.push(...parts.filter((l) => l !== ''));
      });
      const finished = new Promise<void>((resolve) => loop.once('close', () => resolve()));
      await lab.waitFor('the client loop running', async () => lines.length > 0, 10_000);
      const start = Number(lines[0]!.split(' ')[0]);
      await lab.waitFor(
        'time to cut',
        async () => Date.now() >= start + CUT_AT_MS,
        CUT_AT_MS + 5_000,
      );
      const cutAt = Date.now();
      await lab.cut('eu');
      // eu alone is a minority of three: its own server stops answering authoritatively.
      await lab.waitFor(
        "eu's GSLB refusing on the minority side",
        async () => /status: REFUSED/.test((await lab.dig([`@${GSLB_WAN.eu}`, NAME], 'eu')).stdout),
        10_000,
      );
      await lab.waitFor(
        'time to heal',
        async () => Date.now() >= start + HEAL_AT_MS,
        HEAL_AT_MS + 5_000,
      );
      const healAt = Date.now();
      await lab.heal('eu');
      await finished;

      const samples: Sample[] = lines.map((l) => {
        const [at = '0', address = '-', body = 'FAIL', end = at] = l.split(' ');
        return { at: Number(at), end: Number(end), address, body };
      });
      const bound = cutAt + DETECTION_MS + TTL_S * 1000 + RESOLVER_SLACK_MS;
      const firstMoved = samples.find((s) => s.at >= cutAt && s.body === 'us');
      const lateToEu = samples.filter(
        (s) => s.at >= bound && s.at < healAt && (s.address === GSLB_WAN.eu || s.body !== 'us'),
      );
      const backOnEu = samples.find((s) => s.at >= healAt && s.body === 'eu');
      console.log(
        `# ${samples.length} samples; cut → first answer from us after ${firstMoved === undefined ? 'never' : firstMoved.at - cutAt} ms; ` +
          `${lateToEu.length} samples after detection + TTL still on eu or failing; eu back ${backOnEu === undefined ? 'never' : `${backOnEu.at - healAt} ms`} after the heal`,
      );
      // A sample that started before the cut but was still waiting on eu when it came is the cut's.
      const wrongBeforeCut = samples.filter(
        (s) => s.end < cutAt && !(s.body === 'eu' && s.address === GSLB_WAN.eu),
      );
      assert.deepEqual(wrongBeforeCut, [], 'before the cut every client reaches eu');
      assert.ok(
        firstMoved !== undefined && firstMoved.at <= bound,
        `clients reach us within detection + TTL + slack (${bound - cutAt} ms)`,
      );
      assert.deepEqual(lateToEu, [], 'no answer points at the dead region after detection + TTL');
      assert.ok(backOnEu !== undefined, 'eu serves again after the heal and its hold-down');
      const beforeHoldDown = samples.filter(
        (s) => s.at >= healAt && s.at < healAt + HOLD_DOWN_S * 1000 && s.body === 'eu',
      );
      assert.deepEqual(
        beforeHoldDown,
        [],
        'no client is sent back to eu before its hold-down ends',
      );
    } finally {
      await lab.close();
    }
  },
);
