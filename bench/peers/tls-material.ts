import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Server name in the throwaway certificate the bench generates. */
export const BENCH_SERVER_NAME = 'bench.causeway.test';

/** Key, certificate and trust anchor from a throwaway cert dir; both ends use the same pair. */
export function tlsMaterial(dir: string): { key: Buffer; cert: Buffer; ca: Buffer } {
  const cert = readFileSync(join(dir, 'cert.pem'));
  return { key: readFileSync(join(dir, 'key.pem')), cert, ca: cert };
}
