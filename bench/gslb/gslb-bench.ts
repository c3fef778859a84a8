// `npm run bench:gslb`: global load balancing, measured as clients see it.
// 1. Client-observed failover through a caching unbound (TTL 5 s) when the primary region's WAN
//    port dies, over --cycles random kill/heal cycles: the distribution, recovery, and flaps.
// 2. Recovery and flaps in --check-cycles (100) random kill/heal cycles of the primary's ingress
//    under active health checks from three `gslb serve` checkers on loopback (bounded by
//    --check-seconds); goal: no answer naming the dead site after detection + TTL.
// 3. Answers/s on one core with dnsperf: `gslb serve` beside CoreDNS and Knot serving a static zone
//    with the same names, in the same run.
// Needs root (network namespaces), unbound, dig, curl, dnsperf, knot, taskset and the CoreDNS build
// of test/tools/build-install-tools.sh. Usage: node dist/bench/gslb/gslb-bench.js [--cycles 10] [--seconds 10]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureFailoverCycles, HOLD_DOWN_S, TTL_S } from './failover-cycles.js';
import { measureGslbQps } from './gslb-qps.js';
import { loadavg } from 'node:os';
import { CHECK_DETECTION_MS, CHECK_TTL_S, measureCheckCycles } from './check-cycles.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    'skip-failover': { type: 'boolean', default: false },
    'check-cycles': { type: 'string', default: '100' },
    'check-seconds': { type: 'string', default: '900' },
    'skip-qps': { type: 'boolean', default: false },
  },
});
const stops: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  const cycles = Number(values.cycles);
  const seconds = Number(values.seconds);
  // Each cycle is under 30 s, the qps runs 3 × (seconds + 15 s), setup a few minutes: past this it hangs.
  const watchdog = setTimeout(
    () => void stopAll().finally(() => process.exit(1)),
    (cycles * 40 + 3 * (seconds + 20) + Number(values['check-seconds']) + 360) * 1000,
  );
  watchdog.unref();
  if (!values['skip-failover']) {
    process.stdout.write(
      `== client-observed failover through unbound (TTL ${TTL_S} s, hold-down ${HOLD_DOWN_S} s), ${cycles} cycles\n`,
    );
    const results = await measureFailoverCycles(cycles, (line) =>
      process.stdout.write(`${line}\n`),
    );
    const failover = results.map((c) => c.failoverMs).filter((v): v is number => v !== undefined);
    const recovery = results.map((c) => c.recoveryMs).filter((v): v is number => v !== undefined);
    process.stdout.write(
      `failover ms: ${distribution(failover)} (${results.length - failover.length} cycles never moved)\n`,
    );
    process.stdout.write(`recovery ms: ${distribution(recovery)}\n`);
    process.stdout.write(
      `answers to the dead region after detection + TTL: ${results.reduce((n, c) => n + c.staleAfterBound, 0)}; flaps: ${results.reduce((n, c) => n + c.flaps, 0)}\n`,
    );
    process.stdout.write(
      'baselines (documented, not run here): Route 53 health checks 30 s + TTL 60 s; k8gb ~48 s measured\n\n',
    );
  }
  process.stdout.write(
    `load average at start of check cycles: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  const checks = await measureCheckCycles(
    Number(values['check-cycles']),
    Number(values['check-seconds']),
    (line) => process.stdout.write(`${line}\n`),
  );
  const checkFailover = checks.map((c) => c.failoverMs).filter((v): v is number => v !== undefined);
  const checkRecovery = checks.map((c) => c.recoveryMs).filter((v): v is number => v !== undefined);
  process.stdout.write(
    `== kill/heal cycles under active checks (3 checkers, tcp, TTL ${CHECK_TTL_S} s, bound detection ${CHECK_DETECTION_MS} ms + TTL), ${checks.length} cycles\n` +
      `failover ms: ${distribution(checkFailover)}\nrecovery ms: ${distribution(checkRecovery)}\n` +
      `answers naming the dead site after detection + TTL: ${checks.reduce((n, c) => n + c.staleAfterBound, 0)} of ${checks.reduce((n, c) => n + c.samples, 0)} samples; flaps: ${checks.reduce((n, c) => n + c.flaps, 0)}\n` +
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n\n`,
  );
  if (values['skip-qps']) return stopAll();
  const work = await mkdtemp(join(tmpdir(), 'causeway-gslb-bench-'));
  stops.push(() => rm(work, { recursive: true, force: true }));
  const qps = await measureGslbQps(work, seconds, stops);
  process.stdout.write(
    `== answers/s, server on one core (dnsperf, ${seconds} s each)\n${qps.table}\n`,
  );
  if (qps.mismatches.length > 0)
    process.stdout.write(`answers differ:\n${qps.mismatches.join('\n')}\n`);
  await stopAll();
}

function distribution(values: number[]): string {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return `min ${sorted[0]} p50 ${at(50)} p90 ${at(90)} p99 ${at(99)} max ${sorted[sorted.length - 1]} (n=${sorted.length})`;
}

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
}

main().catch(async (err: unknown) => {
  await stopAll();
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
