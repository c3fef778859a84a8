// The upstream MCS conformance suite against a real-node lab clusterset with Causeway installed as
// users install it (kube install, kube link, kube dns --apply): what `npm run
// conformance:mcs:upstream` runs when no --contexts are given, and what its test in `npm test` runs.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { installClusterset } from '../support/lab-causeway.js';
import { startNodeLab } from '../support/kube-node-lab.js';
import { repositoryRoot } from '../support/kube-tools.js';
import {
  formatSummary,
  requiredPassed,
  summarizeReport,
  type ConformanceSummary,
} from './mcs-upstream-summary.js';

const run = promisify(execFile);

/** The suite's binary, built (or found in the machine cache) by build-mcs-conformance.sh. */
export async function conformanceBinary(): Promise<string> {
  const { stdout } = await run(
    'bash',
    [join(repositoryRoot(), 'test/tools/build-mcs-conformance.sh')],
    { timeout: 1_800_000, maxBuffer: 16 << 20 },
  );
  return stdout.trim().split('\n').at(-1) ?? '';
}

/** Runs the suite against `contexts` of `kubeconfig`; resolves with its summary (and keeps its log beside the report). */
export async function runUpstreamSuite(
  binary: string,
  kubeconfig: string,
  contexts: readonly string[],
  focus?: string,
): Promise<{ summary: ConformanceSummary; log: string }> {
  const work = await mkdtemp(join(tmpdir(), 'causeway-mcs-upstream-'));
  try {
    const report = join(work, 'report.json');
    const args = [
      '-kubeconfig',
      kubeconfig,
      '-contexts',
      contexts.join(','),
      '-organization',
      'Causeway',
      '-project',
      'causeway',
      '-ginkgo.label-filter',
      'Required || Optional',
      '-ginkgo.json-report',
      report,
      '-ginkgo.no-color',
      '-ginkgo.timeout',
      '45m',
    ];
    if (focus !== undefined) args.push('-ginkgo.focus', focus);
    // The suite exits non-zero when any spec failed; the report tells which.
    const result = await run(binary, args, {
      cwd: work,
      timeout: 3_000_000,
      maxBuffer: 64 << 20,
    }).catch((err: { stdout?: string; stderr?: string }) => ({
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }));
    const log = `${result.stdout}\n${result.stderr}`;
    const text = await readFile(report, 'utf8').catch(() => undefined);
    if (text === undefined)
      throw new Error(
        `the conformance suite wrote no report; its output ends with:\n${log.slice(-3000)}`,
      );
    return { summary: summarizeReport(text), log };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Lab, Causeway, suite, summary; the lab is removed afterwards whatever happened. */
export async function runOnLab(
  log: (line: string) => void,
  focus?: string,
): Promise<ConformanceSummary> {
  const binary = await conformanceBinary();
  const lab = await startNodeLab({
    clusters: ['east', 'west'],
    log: (line) => log(`lab: ${line}`),
  });
  try {
    await installClusterset(lab, log);
    const started = Date.now();
    const { summary, log: suiteLog } = await runUpstreamSuite(
      binary,
      lab.kubeconfigPath,
      lab.clusters.map((c) => c.context),
      focus,
    );
    await writeFile(join(tmpdir(), 'causeway-mcs-upstream-last.log'), suiteLog);
    log(
      `suite ran in ${Math.round((Date.now() - started) / 1000)} s (its output: ${join(tmpdir(), 'causeway-mcs-upstream-last.log')})`,
    );
    return summary;
  } finally {
    await lab.stop();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const focus = process.argv[2];
  runOnLab((line) => process.stdout.write(`${line}\n`), focus).then(
    (summary) => {
      process.stdout.write(`${formatSummary(summary)}\n`);
      process.exit(requiredPassed(summary) ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`conformance:mcs:upstream: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
