import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  GlobalAnnotation,
  exportedByAnnotation,
  globalAnnotations,
  globalSettingsOf,
} from './global-annotations.js';

describe('globalSettingsOf: Causeway and both Cilium generations', () => {
  const cases: Array<
    [string, Record<string, string>, { global: boolean; affinity: string; shared: boolean }]
  > = [
    ['nothing', {}, { global: false, affinity: 'none', shared: true }],
    [
      'legacy Cilium (the Cluster Mesh exercise)',
      { 'io.cilium/global-service': 'true' },
      { global: true, affinity: 'none', shared: true },
    ],
    [
      'legacy affinity',
      { 'io.cilium/global-service': 'true', 'io.cilium/service-affinity': 'local' },
      { global: true, affinity: 'local', shared: true },
    ],
    [
      'legacy shared=false',
      { 'io.cilium/global-service': 'true', 'io.cilium/shared-service': 'false' },
      { global: true, affinity: 'none', shared: false },
    ],
    [
      'Cilium 1.14+',
      {
        'service.cilium.io/global': 'true',
        'service.cilium.io/affinity': 'remote',
        'service.cilium.io/shared': 'false',
      },
      { global: true, affinity: 'remote', shared: false },
    ],
    [
      'Causeway',
      { 'causeway.io/global': 'true', 'causeway.io/affinity': 'local' },
      { global: true, affinity: 'local', shared: true },
    ],
    [
      'Causeway wins over Cilium',
      { 'causeway.io/global': 'false', 'service.cilium.io/global': 'true' },
      { global: false, affinity: 'none', shared: true },
    ],
    [
      'new Cilium wins over legacy',
      {
        'service.cilium.io/affinity': 'remote',
        'io.cilium/service-affinity': 'local',
        'io.cilium/global-service': 'true',
      },
      { global: true, affinity: 'remote', shared: true },
    ],
    [
      'values are case- and space-insensitive',
      { 'io.cilium/global-service': ' True ', 'io.cilium/service-affinity': 'LOCAL' },
      { global: true, affinity: 'local', shared: true },
    ],
    [
      'an unknown affinity means none',
      { 'service.cilium.io/global': 'true', 'service.cilium.io/affinity': 'nearest' },
      { global: true, affinity: 'none', shared: true },
    ],
    [
      'only "false" unshares',
      { 'service.cilium.io/global': 'true', 'service.cilium.io/shared': 'no' },
      { global: true, affinity: 'none', shared: true },
    ],
  ];
  for (const [what, annotations, expected] of cases) {
    it(what, () => assert.deepEqual(globalSettingsOf(annotations), expected));
  }

  it('exported by annotation alone only when global and shared', () => {
    assert.equal(exportedByAnnotation({ 'io.cilium/global-service': 'true' }), true);
    assert.equal(
      exportedByAnnotation({
        'io.cilium/global-service': 'true',
        'io.cilium/shared-service': 'false',
      }),
      false,
    );
    assert.equal(exportedByAnnotation({ 'io.cilium/service-affinity': 'local' }), false);
    assert.equal(exportedByAnnotation(undefined), false);
  });

  it("exports the settings in Causeway's keys, which read back the same", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...Object.values(GlobalAnnotation), 'other/key'),
          fc.oneof(fc.constantFrom('true', 'false', 'local', 'remote', 'none'), fc.string()),
        ),
        (annotations) => {
          const settings = globalSettingsOf(annotations);
          assert.ok(['local', 'remote', 'none'].includes(settings.affinity));
          const exported = globalAnnotations(settings);
          if (!settings.global) assert.deepEqual(exported, {});
          else
            assert.deepEqual({ ...globalSettingsOf(exported), shared: settings.shared }, settings);
        },
      ),
    );
  });
});
