import { useEffect, useState } from 'preact/hooks';
import type { ConsoleSnapshot, ConsoleUpdate } from './console-data.js';

/** What the pages render: the last snapshot, and whether the router answers now. */
export interface LiveState {
  snapshot: ConsoleSnapshot | undefined;
  /** Set while the router (or the console's server) does not answer. */
  problem: { message: string; hint: string | null } | undefined;
}

/**
 * Follows `/api/events` for the chosen range: each message is a fresh view of the site. The
 * browser's EventSource reconnects by itself after the console's server comes back.
 */
export function useLiveUpdates(rangeSeconds: number): LiveState {
  const [state, setState] = useState<LiveState>({ snapshot: undefined, problem: undefined });
  useEffect(() => {
    const events = new EventSource(`/api/events?rangeSeconds=${rangeSeconds}`);
    events.onmessage = (message: MessageEvent<string>) => {
      const update = JSON.parse(message.data) as ConsoleUpdate;
      setState((last) =>
        update.kind === 'snapshot'
          ? { snapshot: update, problem: undefined }
          : { snapshot: last.snapshot, problem: { message: update.message, hint: update.hint } },
      );
    };
    events.onerror = () =>
      setState((last) => ({
        snapshot: last.snapshot,
        problem: {
          message: 'the console server does not answer',
          hint: 'is `causeway console` still running?',
        },
      }));
    return () => events.close();
  }, [rangeSeconds]);
  return state;
}
