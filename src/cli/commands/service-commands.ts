import { Command } from 'commander';
import { formatHostPort, parseHostPort, sitePaths } from '../../config/index.js';
import { exposeService, importService, unexposeService, unimportService } from '../../site/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

const liveNote = (live: boolean): string => (live ? 'applied to the running router' : 'saved; applies when the router starts');

export function exposeCommand(): Command {
  return new Command('expose')
    .description('offer a local backend to the clusterset as <name>.<namespace>, port <port>')
    .argument('<name>', 'service name (a DNS label)')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .requiredOption('--port <port>', 'service port other sites use', intOption('--port', 1, 65535))
    .requiredOption('--to <host:port>', 'backend address on this site')
    .option('--check <kind>', 'active health check of the backend: tcp, http:<path> (expects 200) or none', 'tcp')
    .option('--headless', 'headless service: every endpoint is reached on its own (stateful systems)')
    .option('--hostname <name>', 'with --headless: this endpoint\'s name, as in <name>.<site>.<svc>.<ns>.svc.clusterset.local')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  causeway expose web --namespace shop --port 8080 --to 127.0.0.1:9000 --dir ./eu\n  causeway expose cass --namespace data --port 9042 --to 127.0.0.1:9042 --headless --hostname cass-0 --dir ./eu',
    )
    .action(
      runAction(async (name: string, opts: { namespace: string; port: number; to: string; check: string; headless?: boolean; hostname?: string; dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const to = formatHostPort(parseHostPort(opts.to, '--to'));
        const health = parseCheck(opts.check);
        const headless = opts.headless === true ? { headless: true, ...(opts.hostname === undefined ? {} : { hostname: opts.hostname }) } : {};
        const { live } = await exposeService(sitePaths(siteDir(opts.dir)), { name, namespace: opts.namespace, port: opts.port, to, health, ...headless });
        const what = opts.headless === true ? ` (headless endpoint ${opts.hostname ?? ''})` : '';
        emit(format, { exported: `${name}.${opts.namespace}`, port: opts.port, to, live, ...headless }, () => `exposed ${name}.${opts.namespace}:${opts.port} → ${to}${what} (${liveNote(live)})`);
      }),
    );
}

/** `--check tcp | none | http:/healthz` → the export's health settings. */
function parseCheck(text: string): { type: 'tcp' | 'none' } | { type: 'http'; path: string } {
  if (text === 'tcp' || text === 'none') return { type: text };
  if (text.startsWith('http:/')) return { type: 'http', path: text.slice('http:'.length) };
  throw new CausewayError(ErrorCode.InputInvalid, `--check: "${text}" is not a health check`, { hint: 'use --check tcp, --check none or --check http:/healthz' });
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
      runAction(async (name: string, opts: { namespace: string; port?: number; dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const { live } = await unexposeService(sitePaths(siteDir(opts.dir)), { name, namespace: opts.namespace, ...(opts.port === undefined ? {} : { port: opts.port }) });
        emit(format, { unexported: `${name}.${opts.namespace}`, live }, () => `unexposed ${name}.${opts.namespace} (${liveNote(live)})`);
      }),
    );
}

export function importCommand(): Command {
  return new Command('import')
    .description('make a clusterset service reachable at a local address on this site')
    .argument('<name>', 'service name')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .requiredOption('--listen <host:port>', 'local address clients connect to (port 0 picks one; see status)')
    .option('--port <port>', 'service port to reach (default: the service\'s only/lowest port)', intOption('--port', 1, 65535))
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText('after', '\nExample:\n  causeway import web --namespace shop --listen 127.0.0.1:18080 --dir ./us\n  curl http://127.0.0.1:18080/')
    .action(
      runAction(async (name: string, opts: { namespace: string; listen: string; port?: number; dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const listen = formatHostPort(parseHostPort(opts.listen, '--listen', true));
        const { live } = await importService(sitePaths(siteDir(opts.dir)), { name, namespace: opts.namespace, listen, ...(opts.port === undefined ? {} : { port: opts.port }) });
        emit(format, { imported: `${name}.${opts.namespace}`, listen, live }, () => `imported ${name}.${opts.namespace} at ${listen} (${liveNote(live)})`);
      }),
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
        const { live } = await unimportService(sitePaths(siteDir(opts.dir)), { name, namespace: opts.namespace });
        emit(format, { unimported: `${name}.${opts.namespace}`, live }, () => `unimported ${name}.${opts.namespace} (${liveNote(live)})`);
      }),
    );
}
