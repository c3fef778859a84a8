import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSiteConfig, type SitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { loadCaKey } from '../link/index.js';
import { generateKeyPair, issueAdminCertificate, writeSecretFile } from '../pki/index.js';

/**
 * Makes an admin key and certificate on a site holding the CA key: the pair signs revocations from
 * any site, so the CA key itself can stay on one machine.
 */
export async function issueAdmin(
  paths: SitePaths,
  name: string,
  outDir: string,
  validDays: number,
): Promise<{ name: string; keyFile: string; certFile: string }> {
  const config = await loadSiteConfig(paths.config);
  const caKeyPem = await loadCaKey(paths);
  if (caKeyPem === undefined)
    throw new CausewayError(ErrorCode.ConfigMissing, `${paths.caKey}: this site holds no CA key`, {
      hint: 'run `causeway admin issue` on a site that holds the CA key',
    });
  const keys = await generateKeyPair();
  const certPem = await issueAdminCertificate({
    caCertPem: await readFile(paths.caCert, 'utf8'),
    caKeyPem,
    trustDomain: config.site.trustDomain,
    name,
    publicKeyPem: keys.publicKeyPem,
    validDays,
  });
  const keyFile = join(outDir, `admin-${name}.key`);
  const certFile = join(outDir, `admin-${name}.crt`);
  await writeSecretFile(keyFile, keys.privateKeyPem);
  await writeSecretFile(certFile, certPem);
  return { name, keyFile, certFile };
}
