/**
 * Checks the Kubernetes Multi-Cluster Services rules (KEP-1645, the cases of the MCS conformance
 * suite) against live clusters, and prints which pass, fail or are skipped.
 *
 *   node dist/conformance/mcs-conformance.js --kubeconfig K --contexts east,west
 *   node dist/conformance/mcs-conformance.js            # starts its own two clusters (root)
 *
 * Options: --focus RE / --skip RE (case ids), --report FILE (JSON). Exit 0 when nothing failed,
 * 1 when a case failed, 2 on bad arguments.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { McsCaseDriver } from './mcs-case-driver.js';
import { mcsCases, runningPodsNeed, type McsCase } from './mcs-cases.js';
import { clustersOf, type McsCluster } from './mcs-clusters.js';
import type { McsPods } from './mcs-pods.js';
import { startSelfHostedClusterset } from './self-hosted-clusterset.js';

export interface McsCaseResult {
  id: string;
  title: string;
  requirement: McsCase['requirement'];
  result: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  reason?: string;
}

async function runCase(
  testCase: McsCase,
  clusters: readonly McsCluster[],
  pods: McsPods | undefined,
  filter: (id: string) => boolean,
): Promise<McsCaseResult> {
  const base = {
    id: testCase.id,
    title: testCase.title,
    requirement: testCase.requirement,
    durationMs: 0,
  };
  if (!filter(testCase.id))
    return { ...base, result: 'skipped', reason: 'left out by --focus/--skip' };
  if (testCase.needs !== undefined || testCase.run === undefined)
    return { ...base, result: 'skipped', reason: `needs ${testCase.needs ?? 'a check'}` };
  if (clusters.length < testCase.clusters)
    return { ...base, result: 'skipped', reason: `needs ${testCase.clusters} clusters` };
  if (testCase.pods === true && pods === undefined)
    return { ...base, result: 'skipped', reason: `needs ${runningPodsNeed}` };
  const driver = new McsCaseDriver(clusters, pods);
  const started = Date.now();
  try {
    await driver.setUp();
    await testCase.run(driver);
    return { ...base, result: 'passed', durationMs: Date.now() - started };
  } catch (err) {
    return {
      ...base,
      result: 'failed',
      durationMs: Date.now() - started,
      reason: (err as Error).message.split('\n')[0] ?? '',
    };
  } finally {
    await driver.tearDown();
  }
}

function printReport(
  results: readonly McsCaseResult[],
  contexts: readonly string[],
  totalMs: number,
): void {
  const lines = [
    `MCS API checks against ${contexts.join(', ')} (${(totalMs / 1_000).toFixed(1)} s)`,
    '',
  ];
  for (const r of results) {
    const time = r.result === 'skipped' ? '' : ` (${(r.durationMs / 1_000).toFixed(1)} s)`;
    lines.push(
      `${r.result.toUpperCase().padEnd(7)}  ${r.requirement.padEnd(8)}  ${r.id}${time}: ${r.title}`,
    );
    if (r.reason !== undefined)
      lines.push(`         ${r.result === 'failed' ? 'why' : 'skip'}: ${r.reason}`);
  }
  const count = (result: McsCaseResult['result']) =>
    results.filter((r) => r.result === result).length;
  lines.push(
    '',
    `mcs-conformance: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function caseFilter(focus: string | undefined, skip: string | undefined): (id: string) => boolean {
  const focusRe = focus === undefined ? undefined : new RegExp(focus);
  const skipRe = skip === undefined ? undefined : new RegExp(skip);
  return (id) =>
    (focusRe === undefined || focusRe.test(id)) && (skipRe === undefined || !skipRe.test(id));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      contexts: { type: 'string' },
      focus: { type: 'string' },
      skip: { type: 'string' },
      report: { type: 'string' },
    },
  });
  const selfHosted = values.contexts === undefined ? await startSelfHostedClusterset() : undefined;
  try {
    const kubeconfig = selfHosted?.kubeconfigPath ?? values.kubeconfig;
    const contexts =
      selfHosted?.contexts ?? (values.contexts ?? '').split(',').filter((c) => c.length > 0);
    const clusters = clustersOf(kubeconfig, contexts);
    for (const cluster of clusters) await cluster.checkMcsApi();
    const filter = caseFilter(values.focus, values.skip);
    const started = Date.now();
    const results: McsCaseResult[] = [];
    for (const testCase of mcsCases) {
      const result = await runCase(testCase, clusters, selfHosted?.pods, filter);
      process.stderr.write(`${result.result} ${result.id}\n`);
      results.push(result);
    }
    printReport(results, contexts, Date.now() - started);
    if (values.report !== undefined)
      await writeFile(values.report, `${JSON.stringify({ contexts, results }, null, 2)}\n`);
    return results.some((r) => r.result === 'failed') ? 1 : 0;
  } finally {
    await selfHosted?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`mcs-conformance: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
