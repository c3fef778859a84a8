import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The summary of a run of the upstream MCS conformance suite, from Ginkgo's JSON report
 * (`-ginkgo.json-report`): each `It` spec under `Required` and/or `Optional` (a spec carrying both
 * labels counts in both, as the suite's own report groups them), with its state and failure.
 */
export interface ConformanceSummary {
  /** A BeforeSuite failure (no cluster reachable, CRDs missing): no spec ran. */
  suiteFailure: string | undefined;
  specs: SpecResult[];
}

export interface SpecResult {
  text: string;
  required: boolean;
  optional: boolean;
  labels: string[];
  state: string;
  failure: string | undefined;
}

const specReport = z.object({
  ContainerHierarchyTexts: z.array(z.string()).nullish(),
  ContainerHierarchyLabels: z.array(z.array(z.string()).nullish()).nullish(),
  LeafNodeText: z.string().nullish(),
  LeafNodeLabels: z.array(z.string()).nullish(),
  LeafNodeType: z.string().nullish(),
  State: z.string(),
  Failure: z.object({ Message: z.string().nullish() }).nullish(),
});
const reportFile = z.array(z.object({ SpecReports: z.array(specReport).nullish() }));

/** Parses the JSON report's text; throws a message naming the problem when it is not one. */
export function summarizeReport(text: string): ConformanceSummary {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the Ginkgo report is not JSON (the suite did not finish writing it?)');
  }
  const parsed = reportFile.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `the Ginkgo report has an unexpected shape: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
    );
  let suiteFailure: string | undefined;
  const specs: SpecResult[] = [];
  for (const spec of parsed.data.flatMap((r) => r.SpecReports ?? [])) {
    if (spec.LeafNodeType === 'BeforeSuite' && spec.State !== 'passed')
      suiteFailure = firstLine(spec.Failure?.Message) ?? spec.State;
    if (spec.LeafNodeType !== 'It' || spec.State === 'pending') continue;
    const labels = [
      ...new Set([
        ...(spec.ContainerHierarchyLabels ?? []).flatMap((l) => l ?? []),
        ...(spec.LeafNodeLabels ?? []),
      ]),
    ].sort();
    const text = [...(spec.ContainerHierarchyTexts ?? []), spec.LeafNodeText ?? '']
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .join(' ');
    const failure =
      spec.State === 'passed' || spec.State === 'skipped'
        ? undefined
        : (firstLine(spec.Failure?.Message) ?? spec.State);
    specs.push({
      text,
      required: labels.includes('Required'),
      optional: labels.includes('Optional'),
      labels,
      state: spec.State,
      failure,
    });
  }
  return { suiteFailure, specs };
}

/** True when the run counts as conformant for the Required specs: it ran, and none of them failed. */
export function requiredPassed(summary: ConformanceSummary): boolean {
  const required = summary.specs.filter((s) => s.required);
  return (
    summary.suiteFailure === undefined &&
    required.length > 0 &&
    required.every((s) => s.state === 'passed')
  );
}

/** The printed summary: counts per group, then every spec that did not pass, and every Optional one. */
export function formatSummary(summary: ConformanceSummary): string {
  const lines: string[] = [];
  if (summary.suiteFailure !== undefined)
    lines.push(`suite failed before any spec: ${summary.suiteFailure}`);
  for (const [group, pick] of [
    ['Required', (s: SpecResult) => s.required],
    ['Optional', (s: SpecResult) => s.optional],
  ] as const) {
    const specs = summary.specs.filter(pick);
    const count = (state: string): number => specs.filter((s) => s.state === state).length;
    lines.push(
      `${group}: ${specs.length} specs, ${count('passed')} passed, ${specs.length - count('passed') - count('skipped')} failed, ${count('skipped')} skipped`,
    );
    for (const s of specs) {
      if (group === 'Required' && s.state === 'passed') continue;
      lines.push(
        `  ${s.state.padEnd(8)} ${s.text} [${s.labels.filter((l) => l !== group).join(', ')}]${s.failure === undefined ? '' : `\n           ${s.failure}`}`,
      );
    }
  }
  return lines.join('\n');
}

function firstLine(text: string | null | undefined): string | undefined {
  const line = text
    ?.split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  return line === undefined ? undefined : line.slice(0, 300);
}

/** `node mcs-upstream-summary.js REPORT.json [--json]`: prints the summary; exit 1 when a Required spec failed. */
async function main(argv: readonly string[]): Promise<number> {
  const [file, flag] = argv;
  if (file === undefined) {
    process.stderr.write(
      'usage: mcs-upstream-summary REPORT.json [--json]\nhint: the file the suite wrote with -ginkgo.json-report\n',
    );
    return 2;
  }
  const summary = summarizeReport(await readFile(file, 'utf8'));
  process.stdout.write(
    `${flag === '--json' ? JSON.stringify(summary, null, 1) : formatSummary(summary)}\n`,
  );
  return requiredPassed(summary) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`mcs-upstream-summary: ${(err as Error).message}\n`);
      process.exit(2);
    },
  );
}
