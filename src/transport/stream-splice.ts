import type { FlowOutcome } from './flow-bridge.js';
import type { MuxStream } from './mux-stream.js';
import { ResetCode } from './reset-code.js';

/**
 * Joins two link streams at a transit site (multi-hop flows). Credit is passed back upstream only
 * as the downstream stream accepts data, so a transit router holds at most one window per
 * direction per flow; FIN and RESET travel through unchanged.
 */
export function spliceStreams(
  a: MuxStream,
  b: MuxStream,
  onDone: (outcome: FlowOutcome) => void,
): void {
  let finished = false;
  let ended = 0;
  const finish = (outcome: FlowOutcome): void => {
    if (finished) return;
    finished = true;
    onDone(outcome);
  };
  const counts = { ab: 0, ba: 0 };
  const wire = (from: MuxStream, to: MuxStream, dir: 'ab' | 'ba'): void => {
    let owed = 0;
    from.attach({
      data(chunk) {
        counts[dir] += chunk.length;
        if (to.write(chunk) && owed === 0) from.consumed(chunk.length);
        else owed += chunk.length;
      },
      end() {
        to.end();
        ended += 1;
        if (ended === 2) finish({ kind: 'closed', bytesIn: counts.ab, bytesOut: counts.ba });
      },
      reset(code) {
        to.reset(code as ResetCode);
        finish({ kind: 'reset', by: 'remote', code, bytesIn: counts.ab, bytesOut: counts.ba });
      },
      writable() {
        // `from`'s own sending side got credit: release what the other direction owes.
        releaseOwed(dir === 'ab' ? 'ba' : 'ab');
      },
    });
    owedBy[dir] = () => {
      if (owed === 0) return;
      const credit = owed;
      owed = 0;
      from.consumed(credit, true);
    };
  };
  const owedBy: Record<'ab' | 'ba', () => void> = { ab: () => undefined, ba: () => undefined };
  const releaseOwed = (dir: 'ab' | 'ba'): void => owedBy[dir]();
  wire(a, b, 'ab');
  wire(b, a, 'ba');
}
