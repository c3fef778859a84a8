// Where a `node --cpu-prof` profile spends its time: self time by function and by file.
// Usage: node dist/bench/apps/cpu-profile-top.js [--top 25] FILE.cpuprofile...
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { formatFigure, textTable } from '../discovery/text-table.js';

/** The part of V8's .cpuprofile JSON this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Self time of one function or one file, in ms and as a share of the busy (not idle) time. */
export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileTop {
  readonly sampledMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly functions: SelfTime[];
  readonly files: SelfTime[];
  /** Each sample charged to the nearest Causeway (`src/`) function on its stack: who asked for the work. */
  readonly callers: SelfTime[];
}

const IDLE = '(idle)';

/**
 * Attributes each sample to the function on top of the stack (self time), spreading the profile's
 * duration evenly over its samples, and sums by function and by script. `(idle)` is time the event
 * loop waited; shares are of the rest, the time the process was on a CPU.
 */
export function profileTop(profile: CpuProfile, top: number): ProfileTop {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const perSample =
    profile.samples.length === 0
      ? 0
      : (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const callers = new Map<string, number>();
  const parents = new Map(
    profile.nodes.flatMap((n) =>
      (n.children ?? []).map((child): [number, number] => [child, n.id]),
    ),
  );
  let idleMs = 0;
  for (const id of profile.samples) {
    const frame = byId.get(id);
    const fn = frame?.functionName === '' ? '(anonymous)' : (frame?.functionName ?? '(unknown)');
    if (fn === IDLE) {
      idleMs += perSample;
      continue;
    }
    const file = frame === undefined || frame.url === '' ? fn : shortUrl(frame.url);
    const where =
      frame === undefined || frame.url === '' ? fn : `${fn} ${file}:${frame.lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + perSample);
    files.set(file, (files.get(file) ?? 0) + perSample);
    const caller = nearestProductFrame(id, byId, parents);
    callers.set(caller, (callers.get(caller) ?? 0) + perSample);
  }
  const sampledMs = perSample * profile.samples.length;
  const busyMs = sampledMs - idleMs;
  const ranked = (m: Map<string, number>): SelfTime[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: busyMs === 0 ? 0 : ms / busyMs }));
  return {
    sampledMs,
    idleMs,
    busyMs,
    functions: ranked(functions),
    files: ranked(files),
    callers: ranked(callers),
  };
}

function nearestProductFrame(
  id: number,
  byId: ReadonlyMap<number, CpuProfile['nodes'][number]['callFrame']>,
  parents: ReadonlyMap<number, number>,
): string {
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = byId.get(at);
    if (frame !== undefined && frame.url.includes('/dist/src/'))
      return `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  }
  return '(no Causeway frame: node internals, GC, start-up)';
}

/** `file:///…/dist/src/transport/mux-stream.js` → `src/transport/mux-stream.js`; node: and deps kept short. */
function shortUrl(url: string): string {
  const dist = url.lastIndexOf('/dist/');
  if (dist !== -1) return url.slice(dist + '/dist/'.length);
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + 1);
  return url.replace(/^file:\/\//, '');
}

function render(file: string, result: ProfileTop): string {
  const pct = (s: number): string => `${(100 * s).toFixed(1)}%`;
  const head = `${basename(file)}: ${formatFigure(result.sampledMs)} ms sampled, ${formatFigure(result.busyMs)} ms on CPU (${pct(result.busyMs / (result.sampledMs || 1))})`;
  return [
    head,
    textTable('self time by function (share of CPU time)', [
      ['function', 'ms', 'share'],
      ...result.functions.map((f) => [f.name, formatFigure(f.ms), pct(f.share)]),
    ]),
    textTable('self time by file', [
      ['file', 'ms', 'share'],
      ...result.files.map((f) => [f.name, formatFigure(f.ms), pct(f.share)]),
    ]),
    textTable('time by nearest Causeway function on the stack', [
      ['function', 'ms', 'share'],
      ...result.callers.map((f) => [f.name, formatFigure(f.ms), pct(f.share)]),
    ]),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const top = Number(values.top);
  if (positionals.length === 0 || !Number.isInteger(top) || top < 1) {
    process.stderr.write(
      "usage: node dist/bench/apps/cpu-profile-top.js [--top 25] FILE.cpuprofile...\nhint: npm run bench:apps -- --cpu-prof DIR writes the routers' profiles to DIR\n",
    );
    process.exit(2);
  }
  for (const file of positionals) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    process.stdout.write(`${render(file, profileTop(profile, top))}\n\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1])))
  await main();
