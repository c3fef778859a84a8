import type { SitePaths } from '../config/index.js';
import { ExportConfig, ImportConfig, parseHostPort } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { editSiteConfig } from './config-edit.js';

/** Adds or replaces the export of one service port. */
export function exposeService(
  paths: SitePaths,
  input: {
    name: string;
    namespace: string;
    port: number;
    to: string;
    headless?: boolean;
    hostname?: string;
    health?: { type: 'tcp' | 'http' | 'none'; path?: string };
    protocol?: string;
    appProtocol?: string;
    writes?: string;
    lease?: string;
    readMethods?: string[];
  },
) {
  const entry = validated(ExportConfig, input, 'expose');
  if (entry.headless === true && entry.hostname === undefined) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'expose: --headless needs --hostname <name> for the endpoint',
      {
        hint: 'expose each endpoint of a headless service with its own --hostname, e.g. cass-0, cass-1',
      },
    );
  }
  return editSiteConfig(paths, (config) => {
    const mixed = config.exports.find(
      (e) =>
        e.name === entry.name &&
        e.namespace === entry.namespace &&
        (e.headless === true) !== (entry.headless === true),
    );
    if (mixed !== undefined) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `${entry.name}.${entry.namespace} is already exposed ${mixed.headless === true ? 'headless' : 'with a virtual IP'} on this site`,
        {
          hint: `unexpose it first (causeway unexpose ${entry.name} --namespace ${entry.namespace}) to change its type`,
        },
      );
    }
    const otherPolicy = config.exports.find(
      (e) =>
        e.name === entry.name &&
        e.namespace === entry.namespace &&
        e.port !== entry.port &&
        (e.writes ?? 'any') !== (entry.writes ?? 'any'),
    );
    if (otherPolicy !== undefined) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `--writes: port ${otherPolicy.port} of ${entry.name}.${entry.namespace} is exposed with writes ${otherPolicy.writes ?? 'any'}; a service has one write policy`,
        {
          hint: `expose port ${entry.port} with the same --writes (and --lease), or unexpose port ${otherPolicy.port} first`,
        },
      );
    }
    // The service keeps the creation time of its first export: MCS conflicts go to the oldest
    // export, so re-exposing or adding a port must not make a service younger.
    const existing = config.exports.filter(
      (e) => e.name === entry.name && e.namespace === entry.namespace,
    );
    const exportedAt = Math.min(Date.now(), ...existing.map((e) => e.exportedAt ?? Date.now()));
    config.exports = config.exports.filter(
      (e) =>
        !(
          e.name === entry.name &&
          e.namespace === entry.namespace &&
          e.port === entry.port &&
          e.hostname === entry.hostname &&
          // UDP 53 and TCP 53 of one service are two exports, as in a Kubernetes Service.
          (e.protocol === 'UDP') === (entry.protocol === 'UDP')
        ),
    );
    config.exports.push({ ...entry, exportedAt });
  });
}

/** Removes a service's exports (one port, or all of them). */
export function unexposeService(
  paths: SitePaths,
  input: { name: string; namespace: string; port?: number },
) {
  return editSiteConfig(paths, (config) => {
    const before = config.exports.length;
    config.exports = config.exports.filter(
      (e) =>
        !(
          e.name === input.name &&
          e.namespace === input.namespace &&
          (input.port === undefined || e.port === input.port)
        ),
    );
    if (config.exports.length === before)
      throw new CausewayError(
        ErrorCode.ServiceUnknown,
        `${input.name}.${input.namespace} is not exposed on this site`,
      );
  });
}

/** Adds or replaces an import listener for a service. */
export function importService(
  paths: SitePaths,
  input: { name: string; namespace: string; listen: string; port?: number; protocol?: 'UDP' },
) {
  const entry = validated(ImportConfig, input, 'import');
  // Port 0 picks a free port per listener, so two imports "on" 127.0.0.1:0 do not collide.
  const takesAddress = parseHostPort(entry.listen, '--listen', true).port !== 0;
  // A TCP and a UDP listener may share an address and port, as a DNS server's do.
  const sameProtocol = (i: ImportConfig): boolean =>
    (i.protocol ?? 'TCP') === (entry.protocol ?? 'TCP');
  return editSiteConfig(paths, (config) => {
    config.imports = config.imports.filter(
      (i) =>
        !sameProtocol(i) ||
        (!(takesAddress && i.listen === entry.listen) &&
          !(i.name === entry.name && i.namespace === entry.namespace && i.port === entry.port)),
    );
    config.imports.push(entry);
  });
}

export function unimportService(paths: SitePaths, input: { name: string; namespace: string }) {
  return editSiteConfig(paths, (config) => {
    const before = config.imports.length;
    config.imports = config.imports.filter(
      (i) => !(i.name === input.name && i.namespace === input.namespace),
    );
    if (config.imports.length === before)
      throw new CausewayError(
        ErrorCode.ServiceUnknown,
        `${input.name}.${input.namespace} is not imported on this site`,
      );
  });
}

function validated<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  input: unknown,
  command: string,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // Flags are kebab-case (readMethods → --read-methods); an array element names its flag too.
  const field = String(issue?.path[0] ?? 'input').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new CausewayError(
    ErrorCode.InputInvalid,
    `${command}: ${field === 'name' ? '<name>' : `--${field}`}: ${issue?.message ?? 'invalid'}`,
    {
      hint: `see \`causeway ${command} --help\``,
    },
  );
}
