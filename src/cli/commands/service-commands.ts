import { Command } from 'commander';
import { formatHostPort, parseHostPort, sitePaths } from '../../config/index.js';
import {
  exposeService,
  importService,
  unexposeService,
  unimportService,
} from '../../site/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

const liveNote = (live: boolean): string =>
  live ? 'applied to the running router' : 'saved; applies when the router starts';

export function exposeCommand(): Command {
  return new Command('expose')
    .description('offer a local backend to the clusterset as <name>.<namespace>, port <port>')
    .argument('<name>', 'service name (a DNS label)')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .requiredOption('--port <port>', 'service port other sites use', intOption('--port', 1, 65535))
    .requiredOption('--to <host:port>', 'backend address on this site')
    .option(
      '--check <kind>',
      'active health check of the backend: tcp, http:<path> (expects 200) or none',
      'tcp',
    )
    .option(
      '--protocol <protocol>',
      'TCP (bytes, one destination per connection), UDP (datagrams, one destination per client address and port) or http (HTTP/1.1, one destination per request)',
      'TCP',
    )
    .option(
      '--app-protocol <name>',
      'application protocol of the port: grpc, h2c, http2 or kubernetes.io/h2c make importing sites balance each HTTP/2 request (stream) over the sites',
    )
    .option(
      '--writes <mode>',
      'any, or single-writer: writes go only to the site holding --lease, reads to the nearest endpoint (needs --protocol http)',
    )
    .option(
      '--lease <name>',
      'with --writes single-writer: the lease whose holder takes writes, e.g. payments-writer',
    )
    .option(
      '--read-methods <list>',
      'with --writes single-writer: comma-separated methods that are reads (default GET,HEAD,OPTIONS)',
    )
    .option(
      '--headless',
      'headless service: every endpoint is reached on its own (stateful systems)',
    )
    .option(
      '--hostname <name>',
      "with --headless: this endpoint's name, as in <name>.<site>.<svc>.<ns>.svc.clusterset.local",
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  causeway expose web --namespace shop --port 8080 --to 127.0.0.1:9000 --dir ./eu
  causeway expose dns --namespace infra --port 53 --to 127.0.0.1:5353 --protocol UDP --dir ./eu
  causeway expose cass --namespace data --port 9042 --to 127.0.0.1:9042 --headless --hostname cass-0 --dir ./eu
  causeway expose greeter --namespace rpc --port 50051 --to 127.0.0.1:50051 --app-protocol grpc --dir ./eu
  causeway expose ledger --namespace pay --port 80 --to 127.0.0.1:8080 --protocol http \\
    --writes single-writer --lease payments-writer --dir ./eu

Single-writer services: every site that imports the service sends reads to the nearest healthy
endpoint and writes only to the site holding the lease (see \`causeway lease\` and
\`causeway site run --hold-lease\`). Each write carries Causeway-Fencing-Token, Causeway-Lease and
Causeway-Lease-Holder headers; the backend should refuse a token lower than the highest it has
seen. Without a reachable holder, writes get 503 with a JSON body and Retry-After.`,
    )
    .action(
      runAction(async (name: string, opts: ExposeOptions) => {
        const format = outputFormat(opts.output);
        const to = formatHostPort(parseHostPort(opts.to, '--to'));
        const health = parseCheck(opts.check);
        const headless =
          opts.headless === true
            ? {
                headless: true,
                ...(opts.hostname === undefined ? {} : { hostname: opts.hostname }),
              }
            : {};
        const writes = writeOptions(opts);
        const { live } = await exposeService(sitePaths(siteDir(opts.dir)), {
          name,
          namespace: opts.namespace,
          port: opts.port,
          to,
          // A UDP backend has no handshake to check; --check still applies to TCP and http.
          health: writes.protocol === 'UDP' && opts.check === 'tcp' ? { type: 'none' } : health,
          ...headless,
          ...writes,
          ...(opts.appProtocol === undefined ? {} : { appProtocol: opts.appProtocol }),
        });
        const what = opts.headless === true ? ` (headless endpoint ${opts.hostname ?? ''})` : '';
        const single =
          writes.writes === 'single-writer'
            ? `, writes to the holder of lease ${writes.lease ?? ''}`
            : '';
        emit(
          format,
          {
            exported: `${name}.${opts.namespace}`,
            port: opts.port,
            to,
            live,
            ...headless,
            ...writes,
          },
          () =>
            `exposed ${name}.${opts.namespace}:${opts.port} → ${to}${what}${single} (${liveNote(live)})`,
        );
      }),
    );
}

interface ExposeOptions {
  namespace: string;
  port: number;
  to: string;
  check: string;
  protocol: string;
  appProtocol?: string;
  writes?: string;
  lease?: string;
  readMethods?: string;
  headless?: boolean;
  hostname?: string;
  dir?: string;
  output: string;
}

/** `--protocol`, `--writes`, `--lease`, `--read-methods` as export fields; the schema validates them. */
function writeOptions(opts: ExposeOptions): {
  protocol: string;
  writes?: string;
  lease?: string;
  readMethods?: string[];
} {
  // `TCP` and `UDP` are the Kubernetes spellings; `tcp`, `udp` and `HTTP` are accepted as people type them.
  const typed = opts.protocol.toLowerCase();
  const protocol =
    typed === 'tcp' ? 'TCP' : typed === 'udp' ? 'UDP' : typed === 'http' ? 'http' : opts.protocol;
  if (opts.writes === 'single-writer' && opts.lease === undefined) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      '--lease: --writes single-writer needs the lease whose holder takes writes',
      { hint: 'add --lease <name>, e.g. --lease payments-writer' },
    );
  }
  return {
    protocol,
    ...(opts.writes === undefined ? {} : { writes: opts.writes }),
    ...(opts.lease === undefined ? {} : { lease: opts.lease }),
    ...(opts.readMethods === undefined
      ? {}
      : {
          readMethods: opts.readMethods
            .split(',')
            .map((m) => m.trim())
            .filter((m) => m !== ''),
        }),
  };
}

/** `--check tcp | none | http:/healthz` → the export's health settings. */
function parseCheck(text: string): { type: 'tcp' | 'none' } | { type: 'http'; path: string } {
  if (text === 'tcp' || text === 'none') return { type: text };
  if (text.startsWith('http:/')) return { type: 'http', path: text.slice('http:'.length) };
  throw new CausewayError(ErrorCode.InputInvalid, `--check: "${text}" is not a health check`, {
    hint: 'use --check tcp, --check none or --check http:/healthz',
  });
}

export function unexposeCommand(): Command {
  return new Command('unexpose')
    .description('stop offering a service (all ports, or one)')
    .argument('<name>', 'service name')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .option('--port <port>', 'only this port', intOption('--port', 1, 65535))
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(
        async (
          name: string,
          opts: { namespace: string; port?: number; dir?: string; output: string },
        ) => {
          const format = outputFormat(opts.output);
          const { live } = await unexposeService(sitePaths(siteDir(opts.dir)), {
            name,
            namespace: opts.namespace,
            ...(opts.port === undefined ? {} : { port: opts.port }),
          });
          emit(
            format,
            { unexported: `${name}.${opts.namespace}`, live },
            () => `unexposed ${name}.${opts.namespace} (${liveNote(live)})`,
          );
        },
      ),
    );
}

export function importCommand(): Command {
  return new Command('import')
    .description('make a clusterset service reachable at a local address on this site')
    .argument('<name>', 'service name')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .requiredOption(
      '--listen <host:port>',
      'local address clients connect to (port 0 picks one; see status)',
    )
    .option(
      '--port <port>',
      "service port to reach (default: the service's only/lowest port of that protocol)",
      intOption('--port', 1, 65535),
    )
    .option(
      '--protocol <protocol>',
      'TCP (connections; HTTP services too) or UDP (datagrams: --listen takes them, each client address and port a session)',
      'TCP',
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  causeway import web --namespace shop --listen 127.0.0.1:18080 --dir ./us\n  curl http://127.0.0.1:18080/\n  causeway import dns --namespace infra --port 53 --protocol UDP --listen 127.0.0.1:10053 --dir ./us\n  dig @127.0.0.1 -p 10053 example.org',
    )
    .action(
      runAction(
        async (
          name: string,
          opts: {
            namespace: string;
            listen: string;
            port?: number;
            protocol: string;
            dir?: string;
            output: string;
          },
        ) => {
          const format = outputFormat(opts.output);
          const protocol = importProtocol(opts.protocol);
          const listen = formatHostPort(parseHostPort(opts.listen, '--listen', true));
          const { live } = await importService(sitePaths(siteDir(opts.dir)), {
            name,
            namespace: opts.namespace,
            listen,
            ...(opts.port === undefined ? {} : { port: opts.port }),
            ...(protocol === 'UDP' ? { protocol } : {}),
          });
          emit(
            format,
            { imported: `${name}.${opts.namespace}`, listen, protocol, live },
            () =>
              `imported ${name}.${opts.namespace} at ${listen}${protocol === 'UDP' ? ' (UDP)' : ''} (${liveNote(live)})`,
          );
        },
      ),
    );
}

export function unimportCommand(): Command {
  return new Command('unimport')
    .description('close the local address of an imported service')
    .argument('<name>', 'service name')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (name: string, opts: { namespace: string; dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const { live } = await unimportService(sitePaths(siteDir(opts.dir)), {
          name,
          namespace: opts.namespace,
        });
        emit(
          format,
          { unimported: `${name}.${opts.namespace}`, live },
          () => `unimported ${name}.${opts.namespace} (${liveNote(live)})`,
        );
      }),
    );
}

/** `--protocol` of an import: TCP or UDP, as typed in either case. */
function importProtocol(text: string): 'TCP' | 'UDP' {
  const upper = text.toUpperCase();
  if (upper === 'TCP' || upper === 'UDP') return upper;
  throw new CausewayError(ErrorCode.InputInvalid, `--protocol: "${text}" is not TCP or UDP`, {
    hint: 'use --protocol TCP (connections, HTTP services too) or --protocol UDP (datagrams)',
  });
}
