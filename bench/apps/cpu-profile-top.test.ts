import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { profileTop, type CpuProfile } from './cpu-profile-top.js';

const frame = (
  functionName: string,
  url = '',
  lineNumber = 0,
): { functionName: string; url: string; lineNumber: number } => ({ functionName, url, lineNumber });

// Ten samples over 10 ms: 4 idle, 3 in writeFrame, 2 in the GC, 1 in an anonymous function.
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 6] },
    { id: 2, callFrame: frame('(idle)') },
    {
      id: 3,
      callFrame: frame('writeFrame', 'file:///work/x/dist/src/transport/mux-session.js', 41),
      children: [5],
    },
    { id: 4, callFrame: frame('(garbage collector)') },
    { id: 5, callFrame: frame('', 'node:internal/tls/wrap', 9) },
    { id: 6, callFrame: frame('onStreamRead', 'node:internal/stream_base_commons', 167) },
  ],
  samples: [2, 3, 2, 3, 4, 2, 3, 4, 5, 2],
  startTime: 0,
  endTime: 10_000,
};

describe('profileTop', () => {
  it('ranks self time by function and by file, as shares of the time on CPU', () => {
    const top = profileTop(PROFILE, 10);
    assert.equal(top.sampledMs, 10);
    assert.equal(top.idleMs, 4);
    assert.equal(top.busyMs, 6);
    assert.deepEqual(
      top.functions.map((f) => [f.name, f.ms]),
      [
        ['writeFrame src/transport/mux-session.js:42', 3],
        ['(garbage collector)', 2],
        ['(anonymous) node:internal/tls/wrap:10', 1],
      ],
    );
    assert.deepEqual(
      top.files.map((f) => [f.name, f.share]),
      [
        ['src/transport/mux-session.js', 0.5],
        ['(garbage collector)', 2 / 6],
        ['node:internal/tls/wrap', 1 / 6],
      ],
    );
  });

  it('charges native and node work to the Causeway function that called it', () => {
    const top = profileTop({ ...PROFILE, samples: [3, 5, 5, 6] }, 10);
    assert.deepEqual(
      top.callers.map((f) => [f.name, f.ms]),
      [
        ['writeFrame src/transport/mux-session.js:42', 7.5],
        ['(no Causeway frame: node internals, GC, start-up)', 2.5],
      ],
    );
  });

  it('keeps only the top entries', () => {
    assert.equal(profileTop(PROFILE, 1).functions.length, 1);
  });
});
