// The runtime: the clock, randomness and timers every time-dependent decision takes as a
// dependency (systemRuntime in production, ManualRuntime in tests). Imports nothing.
export { systemRuntime, type Runtime, type Timer } from './runtime.js';
export { ManualRuntime } from './manual-runtime.js';
