import { GSLB_WAN, GSLB_ZONE, GslbLab } from '../../test/lab/gslb-lab.js';

const NAME = `api.${GSLB_ZONE}`;
export const TTL_S = 5;
export const HOLD_DOWN_S = 3;
/** Link silence is declared after 900 ms; 1.5 s leaves room on a busy machine (as the lab test). */
const DETECTION_MS = 1_500;
const RESOLVER_SLACK_MS = 2_000;

/** One kill/heal cycle of the primary region as the client loop saw it. */
export interface Cycle {
  cutMs: number;
  /** Cut → first request answered by us (resolved through unbound, fetched with curl). */
  failoverMs: number | undefined;
  /** Heal → first request answered by eu again (hold-down and TTL included). */
  recoveryMs: number | undefined;
  /** Samples after detection + TTL (+ resolver slack) and before the heal that still went to eu or failed. */
  staleAfterBound: number;
  /** Changes of the answering site beyond the two a cycle needs (away and back). */
  flaps: number;
  samples: number;
}

/**
 * Kills and heals eu `cycles` times under a client loop through unbound: each cycle cuts eu's WAN
 * port for a random 4–8 s and heals it, then waits until clients are back on eu.
 */
export async function measureFailoverCycles(
  cycles: number,
  log: (line: string) => void,
): Promise<Cycle[]> {
  const lab = await GslbLab.create('cwb');
  try {
    await lab.startRegions();
    await lab.initGslb();
    await lab.setFailoverRecord('api', TTL_S, HOLD_DOWN_S);
    await lab.startGslbServers();
    await lab.startResolver();
    const results: Cycle[] = [];
    for (let i = 0; i < cycles; i++) {
      await lab.waitFor(
        'clients back on eu',
        async () => (await lab.dig(['+short', NAME])).stdout.trim() === GSLB_WAN.eu,
        60_000,
      );
      const cutMs = 4_000 + Math.floor(Math.random() * 4_000);
      const cycle = await oneCycle(lab, cutMs);
      results.push(cycle);
      log(
        `cycle ${i + 1}/${cycles}: cut ${cutMs} ms, failover ${cycle.failoverMs ?? '-'} ms, recovery ${cycle.recoveryMs ?? '-'} ms, stale ${cycle.staleAfterBound}, flaps ${cycle.flaps}`,
      );
    }
    return results;
  } finally {
    await lab.close();
  }
}

async function oneCycle(lab: GslbLab, cutMs: number): Promise<Cycle> {
  // Long enough for: 1 s before, the cut, heal → relink (≤ 3 s) → hold-down → TTL, and a margin.
  const loopSeconds = Math.ceil(
    (1_000 + cutMs + 3_000 + HOLD_DOWN_S * 1000 + TTL_S * 1000 + 3_000) / 1000,
  );
  const loop = lab.clientLoop(NAME, loopSeconds, 50);
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
  await lab.waitFor('cut time', async () => Date.now() >= start + 1_000, 5_000);
  const cutAt = Date.now();
  await lab.cut('eu');
  await lab.waitFor('heal time', async () => Date.now() >= cutAt + cutMs, cutMs + 5_000);
  const healAt = Date.now();
  await lab.heal('eu');
  await finished;
  const samples = lines.map((l) => {
    const [at = '0', address = '-', body = 'FAIL'] = l.split(' ');
    return { at: Number(at), address, body };
  });
  const bound = cutAt + DETECTION_MS + TTL_S * 1000 + RESOLVER_SLACK_MS;
  const moved = samples.find((s) => s.at >= cutAt && s.body === 'us');
  const back = samples.find((s) => s.at >= healAt && s.body === 'eu');
  const sites = samples.map((s) => s.body).filter((b) => b !== 'FAIL');
  const changes = sites.filter((b, i) => i > 0 && b !== sites[i - 1]).length;
  return {
    cutMs,
    failoverMs: moved === undefined ? undefined : moved.at - cutAt,
    recoveryMs: back === undefined ? undefined : back.at - healAt,
    staleAfterBound: samples.filter(
      (s) => s.at >= bound && s.at < healAt && (s.address === GSLB_WAN.eu || s.body !== 'us'),
    ).length,
    flaps: Math.max(0, changes - 2),
    samples: samples.length,
  };
}
