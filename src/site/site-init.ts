import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import {
  saveSiteConfig,
  sitePaths,
  type SiteConfigInput,
  type SitePaths,
} from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import {
  createClustersetCa,
  generateKeyPair,
  isValidSiteId,
  isValidTrustDomain,
  issueSiteCertificate,
  writeSecretFile,
} from '../pki/index.js';

export interface SiteInitOptions {
  id: string;
  zone: string;
  region: string;
  dir: string;
  /** Trust domain of a new clusterset; default `<random>.causeway` so two clustersets never clash. */
  trustDomain?: string;
  /** Directory holding an existing clusterset CA (`ca.crt`, `ca.key`) to sign this site with. */
  caDir?: string;
  listen: string;
  advertise: string[];
  /** Virtual IPs for imported services; default: a /16 in 127/8 picked from the site id. */
  addressPool?: string;
}

/**
 * Creates a site directory: key (0600), clusterset CA (new, or the given one) and a site
 * certificate signed by it, and `site.yaml`. A site created with its own CA can still join
 * another clusterset by redeeming that clusterset's token, as long as it has not linked yet.
 */
export async function initSite(
  options: SiteInitOptions,
): Promise<{ paths: SitePaths; trustDomain: string }> {
  if (!isValidSiteId(options.id)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--id: "${options.id}" is not a valid site id`,
      {
        hint: 'use lowercase letters, digits and "-", like eu-west or us-east-1',
      },
    );
  }
  const paths = sitePaths(options.dir);
  if (await exists(paths.config)) {
    throw new CausewayError(ErrorCode.SiteExists, `${paths.config} already exists`, {
      hint: 'choose another --dir, or remove that directory to start over',
    });
  }
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const trustDomain = await setUpCa(paths, options);
  const keys = await generateKeyPair();
  await writeSecretFile(paths.key, keys.privateKeyPem);
  const caCertPem = await readFile(paths.caCert, 'utf8');
  const caKeyPem = await readFile(paths.caKey, 'utf8');
  const certPem = await issueSiteCertificate({
    caCertPem,
    caKeyPem,
    trustDomain,
    siteId: options.id,
    publicKeyPem: keys.publicKeyPem,
  });
  await writeFile(paths.cert, certPem);
  const config: SiteConfigInput = {
    apiVersion: 'causeway.io/v1alpha1',
    kind: 'Site',
    site: { id: options.id, zone: options.zone, region: options.region, trustDomain },
    link: { listen: options.listen, advertise: options.advertise },
    services: {
      addressPool: options.addressPool ?? defaultAddressPool(options.id),
      autoImport: true,
    },
    links: [],
    exports: [],
    imports: [],
  };
  await saveSiteConfig(paths.config, config);
  return { paths, trustDomain };
}

async function setUpCa(paths: SitePaths, options: SiteInitOptions): Promise<string> {
  if (options.caDir !== undefined) {
    const crt = join(options.caDir, 'ca.crt');
    const key = join(options.caDir, 'ca.key');
    if (!(await exists(crt)) || !(await exists(key))) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `--ca-dir: ${options.caDir} must contain ca.crt and ca.key`,
      );
    }
    if (options.trustDomain === undefined) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        '--ca-dir needs --trust-domain (the trust domain that CA was made for)',
      );
    }
    await copyFile(crt, paths.caCert);
    await writeSecretFile(paths.caKey, await readFile(key));
    return options.trustDomain;
  }
  const trustDomain = options.trustDomain ?? `cs-${randomBytes(4).toString('hex')}.causeway`;
  if (!isValidTrustDomain(trustDomain)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--trust-domain: "${trustDomain}" is not a valid trust domain`,
      { hint: 'use a DNS name such as prod.example.com' },
    );
  }
  const ca = await createClustersetCa({ trustDomain });
  await writeFile(paths.caCert, ca.certPem);
  await writeSecretFile(paths.caKey, ca.keyPem);
  return trustDomain;
}

/**
 * A loopback /16 chosen from the site id, so several sites on one host (the demo, tests, a
 * laptop) rarely share a pool; loopback addresses need no root and no interface changes on Linux.
 */
export function defaultAddressPool(siteId: string): string {
  const hash = createHash('sha256').update(siteId).digest();
  return `127.${64 + ((hash[0] ?? 0) % 128)}.0.0/16`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
