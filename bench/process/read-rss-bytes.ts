import { readFile } from 'node:fs/promises';

/** Sum of VmRSS over `pids`, from /proc/<pid>/status; a pid that has gone counts as zero. */
export async function readRssBytes(pids: readonly number[]): Promise<number> {
  const sizes = await Promise.all(pids.map(readOne));
  return sizes.reduce((sum, size) => sum + size, 0);
}

async function readOne(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}
