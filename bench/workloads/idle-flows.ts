import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import type { RunningPath } from '../path-under-test.js';
import { effectiveFdLimit } from '../process/effective-fd-limit.js';
import { peerScript } from '../process/peer-script.js';
import { raiseFdLimit } from '../process/raise-fd-limit.js';
import { readLines } from '../process/read-lines.js';
import { readRssBytes } from '../process/read-rss-bytes.js';
import { stopChild } from '../process/stop-child.js';
import { peerTarget } from './peer-target.js';
import type { Workload, WorkloadResult } from './workload.js';

export interface IdleFlowOptions {
  readonly flows: number;
  readonly openTimeoutMs: number;
}

// A proxy process holds two descriptors per flow (accepted and outgoing) plus its own handful.
const FDS_PER_PROXIED_FLOW = 2;
const FD_HEADROOM = 256;
// Lets freshly touched pages and allocator caches settle before the second sample.
const SETTLE_MS = 1_000;

/** How many flows fit under the open-file limit our processes get on this machine. */
export function idleFlowCapacity(): number {
  return Math.floor((effectiveFdLimit() - FD_HEADROOM) / FDS_PER_PROXIED_FLOW);
}

/**
 * Opens `flows` idle connections through the path, each proven end to end with one echoed
 * byte, and reports how much the path's resident memory grew per flow.
 */
export async function measureIdleFlows(
  path: RunningPath,
  options: IdleFlowOptions,
): Promise<WorkloadResult> {
  const before = await readRssBytes(path.pids);
  const [command = 'bash', ...args] = raiseFdLimit([
    process.execPath,
    peerScript('idle-client'),
    path.host,
    String(path.port),
    String(options.flows),
  ]);
  const client = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    const { opened, errors } = await waitForOpen(client, options.openTimeoutMs);
    await sleep(SETTLE_MS);
    const after = await readRssBytes(path.pids);
    const perFlow = path.pids.length === 0 || opened === 0 ? Number.NaN : (after - before) / opened;
    return {
      figures: {
        flows: opened,
        errors,
        rssBeforeMiB: before / 2 ** 20,
        rssAfterMiB: after / 2 ** 20,
        bytesPerFlow: perFlow,
      },
      notes: [],
    };
  } finally {
    client.stdin.end();
    await stopChild(client, 5_000);
  }
}

function waitForOpen(
  client: ChildProcess,
  timeoutMs: number,
): Promise<{ opened: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`idle flows not open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`idle client exited (${code}) before reporting`));
    });
    if (client.stdout === null) throw new Error('idle client stdout is not piped');
    readLines(client.stdout, (line) => {
      const match = /^OPEN (\d+) (\d+)$/.exec(line.trim());
      if (match === null) return;
      clearTimeout(timer);
      resolve({ opened: Number(match[1]), errors: Number(match[2]) });
    });
  });
}

/** Memory held per idle flow, lower is better. */
export function idleFlowsWorkload(options: IdleFlowOptions): Workload {
  return {
    name: `idle flows (${options.flows} held, RSS of the path's processes)`,
    columns: [
      { key: 'flows', label: 'flows' },
      { key: 'errors', label: 'errors' },
      { key: 'rssBeforeMiB', label: 'RSS before MiB' },
      { key: 'rssAfterMiB', label: 'RSS after MiB' },
      { key: 'bytesPerFlow', label: 'bytes/flow' },
    ],
    headline: 'bytesPerFlow',
    addedOverDirect: [],
    startTarget: () => peerTarget('echo-server'),
    measure: (path) => measureIdleFlows(path, options),
  };
}
