// `npm run exercise:cilium`: the Cilium Cluster Mesh hands-on exercise, its manifests verbatim
// (test/exercises/cilium), on two real-node lab clusters where Causeway stands in for Cluster Mesh:
// `causeway kube install` and `causeway kube link` as a user runs them, rebel-base in both
// clusters with `io.cilium/global-service: "true"`, then the exercise's curl loop from a Pod in
// cluster A — with no affinity, with `io.cilium/service-affinity=local`, and with A's replicas
// scaled to 0. Prints each distribution; exit 1 when one misses the exercise's expectation.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { installClusterset } from '../support/lab-causeway.js';
import { startNodeLab, type NodeLab, type NodeLabCluster } from '../support/kube-node-lab.js';
import { repositoryRoot } from '../support/kube-tools.js';

export const LOCAL_ANSWER = 'Cluster A: Alderaan base';
export const REMOTE_ANSWER = 'Cluster B: Hoth base';

/** Answer text → how many of the 20 requests got it. */
export type Distribution = Record<string, number>;

export interface ExerciseResult {
  even: Distribution;
  affinityLocal: Distribution;
  localScaledToZero: Distribution;
}

/** The exercise's Task 4 loop, verbatim: 20 curls, then `sort | uniq -c | sort -rn`. */
const CURL_LOOP = `echo "Testing cross-cluster load balancing..."
for i in $(seq 1 20); do
  curl -s http://rebel-base.default.svc.cluster.local
done | sort | uniq -c | sort -rn`;

/** Parses `uniq -c` lines (`     10 Cluster A: Alderaan base`); other lines are ignored. */
export function parseUniqCounts(output: string): Distribution {
  const out: Distribution = {};
  for (const line of output.split('\n')) {
    const match = /^\s*(\d{1,6}) (.+?)\s*$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    out[match[2]] = (out[match[2]] ?? 0) + Number(match[1]);
  }
  return out;
}

/** Runs the whole exercise on `lab` (clusters cluster-a and cluster-b); `log` tells the steps. */
export async function runCiliumExercise(
  lab: NodeLab,
  log: (line: string) => void,
): Promise<ExerciseResult> {
  const a = lab.cluster('cluster-a');
  const b = lab.cluster('cluster-b');
  await installClusterset(lab, log);
  const manifests = join(repositoryRoot(), 'test/exercises/cilium');
  for (const [cluster, file] of [
    [a, 'rebel-base-a.yaml'],
    [b, 'rebel-base-b.yaml'],
  ] as const) {
    await cluster.kubectl(['apply', '-f', '-'], await readFile(join(manifests, file), 'utf8'));
    await cluster.kubectl(['rollout', 'status', 'deployment/rebel-base', '--timeout=180s']);
  }
  log('rebel-base runs in both clusters');
  // Requests go out only once the other cluster's endpoints are known here: until then an even
  // spread cannot be seen. Bounded: at most 10 runs of the exercise's loop.
  const even = await curlUntil(
    a,
    'test-client',
    (d) => (d[LOCAL_ANSWER] ?? 0) > 0 && (d[REMOTE_ANSWER] ?? 0) > 0,
    log,
  );
  await a.kubectl([
    'annotate',
    'service',
    'rebel-base',
    'io.cilium/service-affinity=local',
    '--overwrite',
  ]);
  const affinityLocal = await curlUntil(
    a,
    'test-client-2',
    (d) => (d[LOCAL_ANSWER] ?? 0) >= 18,
    log,
  );
  await a.kubectl(['scale', 'deployment/rebel-base', '--replicas=0']);
  await a
    .kubectl(['wait', '--for=delete', 'pod', '-l', 'app=rebel-base', '--timeout=120s'])
    .catch(() => '');
  const localScaledToZero = await curlUntil(
    a,
    'test-client-3',
    (d) => d[REMOTE_ANSWER] === 20,
    log,
  );
  return { even, affinityLocal, localScaledToZero };
}

/** Runs the curl Pod (a fresh name per attempt) until `done` holds for its distribution, at most `attempts` times. */
async function curlUntil(
  cluster: NodeLabCluster,
  name: string,
  done: (d: Distribution) => boolean,
  log: (line: string) => void,
  attempts = 10,
): Promise<Distribution> {
  let last: Distribution = {};
  for (let i = 0; i < attempts; i++) {
    const pod = i === 0 ? name : `${name}-${i}`;
    // The exercise's `kubectl run --image=curlimages/curl`; the image is :latest, which kubectl
    // would pull Always, and the lab has no registry: the image is already on the node.
    await cluster.kubectl([
      'run',
      pod,
      '--image=curlimages/curl',
      '--image-pull-policy=IfNotPresent',
      '--restart=Never',
      '--command',
      '--',
      'sh',
      '-c',
      CURL_LOOP,
    ]);
    await cluster.kubectl([
      'wait',
      '--for=jsonpath={.status.phase}=Succeeded',
      `pod/${pod}`,
      '--timeout=120s',
    ]);
    last = parseUniqCounts(await cluster.kubectl(['logs', pod]));
    await cluster.kubectl(['delete', 'pod', pod, '--wait=false']);
    log(`${pod}: ${JSON.stringify(last)}`);
    if (done(last)) return last;
  }
  return last;
}

/** Whether each distribution meets the exercise's expectation. */
export function verdicts(result: ExerciseResult): Array<[string, boolean]> {
  return [
    [
      'answers from both clusters',
      (result.even[LOCAL_ANSWER] ?? 0) > 0 && (result.even[REMOTE_ANSWER] ?? 0) > 0,
    ],
    ['affinity local: at least 18 of 20 local', (result.affinityLocal[LOCAL_ANSWER] ?? 0) >= 18],
    ['local replicas at 0: 20 of 20 remote', result.localScaledToZero[REMOTE_ANSWER] === 20],
  ];
}

async function main(): Promise<number> {
  const started = Date.now();
  const lab = await startNodeLab({
    clusters: ['cluster-a', 'cluster-b'],
    log: (line) => process.stdout.write(`lab: ${line}\n`),
  });
  try {
    const result = await runCiliumExercise(lab, (line) => process.stdout.write(`${line}\n`));
    const checks = verdicts(result);
    process.stdout.write(
      `\nno affinity:        ${JSON.stringify(result.even)}\naffinity local:     ${JSON.stringify(result.affinityLocal)}\nA scaled to 0:      ${JSON.stringify(result.localScaledToZero)}\n`,
    );
    for (const [what, ok] of checks) process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
    process.stdout.write(`exercise took ${Math.round((Date.now() - started) / 1000)} s\n`);
    return checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await lab.stop();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`exercise:cilium: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
