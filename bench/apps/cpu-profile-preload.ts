// Preloaded into each router with NODE_OPTIONS=--import (Node refuses --cpu-prof in NODE_OPTIONS,
// and the routers are started by the CLI entry point, which takes no node flags): samples the whole
// process with the inspector's profiler, as --cpu-prof does, and writes
// $CAUSEWAY_BENCH_CPU_PROF_DIR/<pid>.cpuprofile when the process exits.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env['CAUSEWAY_BENCH_CPU_PROF_DIR'];
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this completes inside 'exit'.
  process.once('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err !== null) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
