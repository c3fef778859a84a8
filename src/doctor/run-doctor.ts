import { readFile } from 'node:fs/promises';
import type { StatusReport } from '../api/index.js';
import type { SitePaths } from '../site-files/index.js';
import type { DoctorCheck } from './doctor-check.js';
import { dnsCheck, exportChecks, importChecks } from './probe-checks.js';
import { certificateCheck, linkChecks, partitionCheck } from './site-checks.js';

/** Every check of one site, given its running router's status. */
export async function runDoctor(
  paths: SitePaths,
  status: StatusReport,
  zone: string,
  now: number,
): Promise<DoctorCheck[]> {
  const [cert, ca] = await Promise.all([
    readFile(paths.cert, 'utf8'),
    readFile(paths.caCert, 'utf8'),
  ]);
  return [
    ...linkChecks(status),
    partitionCheck(status),
    certificateCheck('site', cert, now),
    certificateCheck('clusterset CA', ca, now),
    await dnsCheck(status, zone),
    ...(await exportChecks(status)),
    ...(await importChecks(status)),
  ];
}
