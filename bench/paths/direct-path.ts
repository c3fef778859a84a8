import type { PathUnderTest, RunningPath } from '../path-under-test.js';

/** No proxy at all: the client connects straight to the target. The floor for every figure. */
export const directPath: PathUnderTest = {
  name: 'direct',
  start(target): Promise<RunningPath> {
    return Promise.resolve({ ...target, pids: [], stop: () => Promise.resolve() });
  },
};
