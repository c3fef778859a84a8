import { execFileSync } from 'node:child_process';

import { raiseFdLimit } from './raise-fd-limit.js';

/** The open-file limit a process started through `raiseFdLimit` actually gets. */
export function effectiveFdLimit(): number {
  const [command = 'bash', ...args] = raiseFdLimit(['bash', '-c', 'ulimit -n']);
  const out = execFileSync(command, args, { encoding: 'utf8', timeout: 5_000 });
  const limit = Number.parseInt(out.trim(), 10);
  return Number.isFinite(limit) ? limit : 1024;
}
