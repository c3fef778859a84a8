import { NetLab } from './net-lab.js';

/** True when this process may create network namespaces (root, a working `ip netns`). */
export const netnsAvailable = await NetLab.available();

/** In CI a lab test must run: missing namespaces fail it there instead of skipping it. */
export const inCi = process.env['CI'] === 'true';

/** The `skip` option of a test that needs network namespaces: a reason outside CI when they are missing. */
export const netnsSkip: string | false =
  !netnsAvailable && !inCi ? 'needs root and a working `ip netns` (runs in CI)' : false;
