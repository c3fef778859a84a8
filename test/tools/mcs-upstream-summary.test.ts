import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatSummary, requiredPassed, summarizeReport } from './mcs-upstream-summary.js';

const spec = (
  text: string,
  labels: string[],
  state: string,
  leafType = 'It',
  message?: string,
): object => ({
  ContainerHierarchyTexts: ['', 'Connectivity to a service that is not exported'],
  ContainerHierarchyLabels: [[], labels.slice(0, 1)],
  LeafNodeText: text,
  LeafNodeLabels: labels.slice(1),
  LeafNodeType: leafType,
  State: state,
  ...(message === undefined ? {} : { Failure: { Message: message } }),
});

describe('upstream MCS conformance summary', () => {
  it('groups It specs under Required and Optional, counts states and names failures', () => {
    const report = JSON.stringify([
      {
        SpecReports: [
          spec('', [], 'passed', 'BeforeSuite'),
          spec('should be inaccessible', ['Required'], 'passed'),
          spec(
            'should expose ports',
            ['Required', 'ClusterIP'],
            'failed',
            'It',
            'Expected\n  <int>: 1 to equal 2',
          ),
          spec(
            'should resolve headless',
            ['Optional', 'DNS', 'Headless'],
            'failed',
            'It',
            'timed out',
          ),
          spec('not yet written', ['Optional'], 'pending'),
          spec('exported labels', ['Optional'], 'skipped'),
        ],
      },
    ]);
    const summary = summarizeReport(report);
    assert.equal(summary.suiteFailure, undefined);
    assert.equal(summary.specs.length, 4, 'BeforeSuite and pending specs are not counted');
    assert.equal(requiredPassed(summary), false);
    const text = formatSummary(summary);
    assert.match(text, /Required: 2 specs, 1 passed, 1 failed, 0 skipped/);
    assert.match(text, /Optional: 2 specs, 0 passed, 1 failed, 1 skipped/);
    assert.match(
      text,
      /failed {3}Connectivity to a service that is not exported should expose ports \[ClusterIP\]\n {11}Expected/,
    );
    assert.match(text, /should resolve headless \[DNS, Headless\]/);
  });

  it('a BeforeSuite failure or no Required spec at all is not a pass', () => {
    const failed = summarizeReport(
      JSON.stringify([
        { SpecReports: [spec('', [], 'failed', 'BeforeSuite', 'no kubeconfig context "a"')] },
      ]),
    );
    assert.equal(failed.suiteFailure, 'no kubeconfig context "a"');
    assert.equal(requiredPassed(failed), false);
    assert.equal(requiredPassed(summarizeReport('[]')), false);
    assert.equal(
      requiredPassed(
        summarizeReport(JSON.stringify([{ SpecReports: [spec('x', ['Required'], 'passed')] }])),
      ),
      true,
    );
  });

  it('hostile report text gives a clear error or a summary, never a crash of another kind', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.json(), fc.constant('[{"SpecReports":[{"State":1}]}]')),
        (text) => {
          try {
            const summary = summarizeReport(text);
            assert.equal(typeof formatSummary(summary), 'string');
          } catch (err) {
            assert.match((err as Error).message, /Ginkgo report/);
          }
        },
      ),
    );
  });
});
