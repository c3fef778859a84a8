import { X509Certificate } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';

/**
 * `causeway_certificate_expiry_timestamp_seconds{certificate="site"|"ca"}`: when the site's
 * certificate and the clusterset CA it trusts stop being valid, read at each scrape from the
 * material the router holds now (a reload that brought new certificates shows at once).
 */
export function registerCertificateExpiry(
  registry: Registry,
  material: () => { certPem: string; caPem: string },
): void {
  new Gauge({
    name: 'causeway_certificate_expiry_timestamp_seconds',
    help: "When the site's certificate (certificate=site) and the clusterset CA (certificate=ca) expire, Unix seconds.",
    labelNames: ['certificate'],
    registers: [registry],
    collect() {
      const { certPem, caPem } = material();
      for (const [certificate, pem] of [
        ['site', certPem],
        ['ca', caPem],
      ] as const)
        this.set({ certificate }, Date.parse(new X509Certificate(pem).validTo) / 1000);
    },
  });
}
