// `npm run lab:kube -- up|down|status`: the real-node lab of the tests, started by hand to explore
// with kubectl. `up` starts it in the background and prints the kubeconfig and its contexts; `down`
// stops it (every process it started, by pid) and removes all it made.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startNodeLab } from '../support/kube-node-lab.js';

const stateDir = process.env['CAUSEWAY_KUBE_LAB_STATE'] ?? '/run/causeway-kube-lab';
const statePath = join(stateDir, 'state.json');
const logPath = join(stateDir, 'lab.log');

interface LabState {
  pid: number;
  kubeconfig?: string;
  contexts?: string[];
  nodes?: { cluster: string; node: string; address: string }[];
  dir?: string;
  error?: string;
}

const usage = `usage: npm run lab:kube -- <command> [--clusters a,b[,c]]

  up       start the lab in the background: per cluster etcd, kube-apiserver, controller manager,
           scheduler, one node (containerd, kubelet, kube-proxy) and CoreDNS; prints the kubeconfig
  down     stop it and remove everything it made
  status   print the kubeconfig and contexts of the running lab (--output json for scripts)

  --clusters  cluster names, 2 or 3 DNS labels (default east,west)
Needs root. Example:
  npm run lab:kube -- up && kubectl --kubeconfig /tmp/causeway-nodelab-*/kubeconfig --context east get pods -A`;

function fail(message: string, hint: string): never {
  process.stderr.write(`error: ${message}\nhint: ${hint}\n`);
  process.exit(2);
}

function readState(): LabState | undefined {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function describe(state: LabState, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `kubeconfig: ${state.kubeconfig}\ncontexts:   ${(state.contexts ?? []).join(', ')}\n`,
  );
  for (const node of state.nodes ?? [])
    process.stdout.write(`node:       ${node.node} (${node.cluster}) at ${node.address}\n`);
  process.stdout.write(
    `try:        kubectl --kubeconfig ${state.kubeconfig} --context ${state.contexts?.[0]} get pods -A\nstop:       npm run lab:kube -- down\n`,
  );
}

function parseClusters(args: string[]): string[] {
  const index = args.indexOf('--clusters');
  if (index === -1) return ['east', 'west'];
  const names = (args[index + 1] ?? '').split(',').filter((n) => n !== '');
  if (
    names.length < 2 ||
    names.length > 3 ||
    names.some((n) => !/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/.test(n)) ||
    new Set(names).size !== names.length
  ) {
    fail(
      `--clusters ${JSON.stringify(args[index + 1] ?? '')}: give 2 or 3 distinct names`,
      'names are short DNS labels, e.g. --clusters east,west,north',
    );
  }
  return names;
}

async function up(args: string[]): Promise<void> {
  const current = readState();
  if (current !== undefined && alive(current.pid)) {
    process.stdout.write('the lab is already running\n');
    describe(current, args.includes('json'));
    return;
  }
  mkdirSync(stateDir, { recursive: true });
  rmSync(statePath, { force: true });
  const out = openSync(logPath, 'a');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', ...args], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  process.stdout.write(
    `starting (log ${logPath}; the first start builds images and may take minutes)\n`,
  );
  for (;;) {
    const state = readState();
    if (state?.error !== undefined) fail(`the lab did not start: ${state.error}`, `see ${logPath}`);
    if (state?.kubeconfig !== undefined) return describe(state, args.includes('json'));
    if (child.pid === undefined || !alive(child.pid))
      fail('the lab process exited before it was ready', `see ${logPath}`);
    await sleep(500);
  }
}

async function serve(args: string[]): Promise<void> {
  writeFileSync(statePath, JSON.stringify({ pid: process.pid }));
  let lab: Awaited<ReturnType<typeof startNodeLab>> | undefined;
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await lab?.stop();
    rmSync(statePath, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  try {
    lab = await startNodeLab({ clusters: parseClusters(args), log: (line) => console.log(line) });
  } catch (err) {
    writeFileSync(
      statePath,
      JSON.stringify({ pid: process.pid, error: (err as Error).message.slice(0, 4000) }),
    );
    console.error(err);
    process.exit(1);
  }
  const state: LabState = {
    pid: process.pid,
    kubeconfig: lab.kubeconfigPath,
    contexts: lab.clusters.map((c) => c.context),
    nodes: lab.clusters.map((c) => ({ cluster: c.name, node: c.nodeName, address: c.nodeAddress })),
    dir: lab.dir,
  };
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  console.log(`ready: ${lab.kubeconfigPath}`);
  // Runs until `down` sends SIGTERM.
  setInterval(() => undefined, 1 << 30);
}

async function down(): Promise<void> {
  const state = readState();
  if (state === undefined || !alive(state.pid)) {
    rmSync(statePath, { force: true });
    process.stdout.write('no lab is running\n');
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 180_000;
  while (alive(state.pid) && Date.now() < deadline) await sleep(250);
  if (alive(state.pid))
    fail(
      `the lab (pid ${state.pid}) did not stop within 180 s`,
      `see ${logPath}; it stops its own processes by pid`,
    );
  process.stdout.write('stopped\n');
}

const [command, ...rest] = process.argv.slice(2);
if (process.getuid?.() !== 0 && command !== undefined && command !== '--help')
  fail('the lab needs root', 'it creates network namespaces and cgroups; run as root');
switch (command) {
  case 'up':
    parseClusters(rest);
    await up(rest);
    break;
  case 'serve':
    await serve(rest);
    break;
  case 'down':
    await down();
    break;
  case 'status': {
    const state = readState();
    if (state === undefined || !alive(state.pid) || state.kubeconfig === undefined)
      fail('no lab is running', 'start one with npm run lab:kube -- up');
    describe(state, rest.includes('json'));
    break;
  }
  case undefined:
  case '--help':
  case '-h':
    process.stdout.write(`${usage}\n`);
    if (command === undefined) process.exitCode = 2;
    break;
  default:
    fail(
      `unknown command ${JSON.stringify(command)}`,
      'commands: up, down, status (npm run lab:kube -- --help)',
    );
}
