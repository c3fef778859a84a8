import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import type { StatusReport } from '../api/index.js';
import { parseHostPort } from '../config/index.js';
import type { DoctorCheck } from './doctor-check.js';

const PROBE_MS = 2_000;

/** Whether a TCP connection to `host:port` opens within the probe time; the refusal otherwise. */
export function tcpProbe(address: string): Promise<string | null> {
  const { host, port } = parseHostPort(address, 'address');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(PROBE_MS, () => socket.destroy(new Error(`no answer in ${PROBE_MS} ms`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Each export's backend, connected to as the router would. */
export async function exportChecks(status: StatusReport): Promise<DoctorCheck[]> {
  return Promise.all(
    status.exports.map(async (e) => {
      const check = `export ${e.name}.${e.namespace}:${e.port}`;
      const refused = await tcpProbe(e.to);
      return refused === null
        ? { check, severity: 'ok' as const, message: `backend ${e.to} accepts connections` }
        : {
            check,
            severity: 'failure' as const,
            message: `backend ${e.to} refuses: ${refused}`,
            hint: `start the backend or fix \`exports[].to\` in site.yaml (\`causeway expose ${e.name} --to host:port\`)`,
          };
    }),
  );
}

/** Each import's listener on this host, connected to as a client would. */
export async function importChecks(status: StatusReport): Promise<DoctorCheck[]> {
  return Promise.all(
    status.imports.map(async (i) => {
      const check = `import ${i.name}.${i.namespace} at ${i.listen}`;
      const refused = await tcpProbe(i.listen);
      if (refused !== null)
        return {
          check,
          severity: 'failure' as const,
          message: `listener refuses: ${refused}`,
          hint: 'the router could not bind it; see its log',
        };
      return i.exporters.length === 0
        ? {
            check,
            severity: 'warning' as const,
            message: 'listening, but no site exports it',
            hint: `expose ${i.name} in namespace ${i.namespace} at some site`,
          }
        : {
            check,
            severity: 'ok' as const,
            message: `listening; exported by ${i.exporters.join(', ')}`,
          };
    }),
  );
}

/** The router's clusterset DNS answers SOA for its zone over UDP. */
export function dnsCheck(status: StatusReport, zone: string): Promise<DoctorCheck> {
  const check = 'dns';
  if (status.dnsAddress === null)
    return Promise.resolve({
      check,
      severity: 'warning',
      message: 'clusterset DNS is off (dns.listen is empty)',
      hint: 'pods resolve *.svc.clusterset.local only through it',
    });
  const { host, port } = parseHostPort(status.dnsAddress, 'dnsAddress');
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (c: DoctorCheck): void => {
      clearTimeout(timer);
      socket.close();
      resolve(c);
    };
    const timer = setTimeout(
      () =>
        done({
          check,
          severity: 'failure',
          message: `${status.dnsAddress ?? ''} did not answer SOA ${zone} in ${PROBE_MS} ms`,
          hint: 'check the router log and dns.listen',
        }),
      PROBE_MS,
    );
    socket.once('message', (msg: Buffer) => {
      // The rcode is the low four bits of the flags (RFC 1035 § 4.1.1).
      const rcode = dnsPacket.decode(msg).flags ?? 0;
      done(
        (rcode & 0xf) === 0
          ? { check, severity: 'ok', message: `${status.dnsAddress ?? ''} answers SOA ${zone}` }
          : { check, severity: 'failure', message: `SOA ${zone} answered rcode ${rcode & 0xf}` },
      );
    });
    socket.send(
      dnsPacket.encode({
        type: 'query',
        id: 7,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: [{ type: 'SOA', name: zone }],
      }),
      port,
      host,
    );
  });
}
