import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { HealthCheck } from './gslb-config.js';

/** `[2001:db8::1]` in a URL, `192.0.2.1` as is. */
function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * One probe of `address` by `check`: a TCP connect, or an HTTP(S) GET answered 2xx/3xx, within the
 * timeout. HTTPS certificates are not verified: the check asks whether the site answers, and the
 * address is often not the name on the certificate (Route 53 checks the same way). The user agent
 * names the checker, so a backend's log shows which server saw it fail.
 */
export function probeTarget(
  check: HealthCheck,
  address: string,
  checker = 'causeway',
): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => {
      cancel();
      done(false);
    }, check.timeoutMs);
    let cancel: () => void = () => undefined;
    if (check.protocol === 'tcp') {
      const socket = connect({ host: address, port: check.port }, () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
      cancel = () => socket.destroy();
      return;
    }
    const request = check.protocol === 'https' ? httpsRequest : httpRequest;
    const req = request(
      `${check.protocol}://${urlHost(address)}:${check.port}${check.path}`,
      {
        method: 'GET',
        agent: false,
        rejectUnauthorized: false,
        headers: { connection: 'close', 'user-agent': `causeway-gslb-check (${checker})` },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        done(status >= 200 && status < 400);
      },
    );
    req.on('error', () => done(false));
    req.end();
    cancel = () => req.destroy();
  });
}
