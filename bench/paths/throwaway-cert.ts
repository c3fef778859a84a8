import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { BENCH_SERVER_NAME } from '../peers/tls-material.js';

const run = promisify(execFile);

/** A temp dir holding `key.pem` and `cert.pem`: a self-signed P-256 certificate made now. */
export interface ThrowawayCert {
  readonly dir: string;
  readonly keyFile: string;
  readonly certFile: string;
  remove(): Promise<void>;
}

/**
 * Generates a one-day self-signed certificate with the openssl CLI. Both ends of every TLS path
 * present it and trust it, so each path does mutual TLS like the router's links do.
 */
export async function createThrowawayCert(): Promise<ThrowawayCert> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-bench-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${BENCH_SERVER_NAME}`,
      '-addext',
      `subjectAltName=DNS:${BENCH_SERVER_NAME}`,
    ],
    { timeout: 10_000 },
  );
  return { dir, keyFile, certFile, remove: () => rm(dir, { recursive: true, force: true }) };
}
