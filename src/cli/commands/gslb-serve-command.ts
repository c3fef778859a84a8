import { Command } from 'commander';
import { parseHostPort } from '../../config/index.js';
import { GslbService } from '../../gslb/index.js';
import { createLogger } from '../../observability/index.js';
import { runAction } from '../run-action.js';
import { collect, FILE_HELP, gslbFile } from './gslb-options.js';

/** `causeway gslb serve`: the zone's authoritative server, until SIGINT/SIGTERM. */
export function gslbServeCommand(): Command {
  return new Command('serve')
    .description(
      "answer the GSLB zone over UDP and TCP, with health from the routers' clusterset views",
    )
    .option(
      '--listen <host:port>',
      'where to answer DNS (port 0 picks a free one)',
      '127.0.0.1:5353',
    )
    .option(
      '--router <dir>',
      'follow this router too, besides those in the file (repeatable)',
      collect,
    )
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://host:port/metrics')
    .option('--file <file>', FILE_HELP)
    .addHelpText(
      'after',
      `
A server whose routers are all on the minority side of a partition (safe mode), or that has no
router view yet, answers REFUSED: resolvers then ask another listed name server at once, where a
SERVFAIL could be cached for minutes (RFC 2308 §7). Edits to the file are picked up while serving.`,
    )
    .action(
      runAction(
        async (opts: { listen: string; router?: string[]; metrics?: string; file?: string }) => {
          const file = gslbFile(opts.file);
          const listen = parseHostPort(opts.listen, '--listen', true);
          const metrics =
            opts.metrics === undefined ? undefined : parseHostPort(opts.metrics, '--metrics', true);
          const logger = createLogger('gslb');
          const service = await GslbService.start({
            file,
            listen,
            routers: opts.router ?? [],
            logger,
            ...(metrics === undefined ? {} : { metrics }),
          });
          // Scripts and tests read the bound address from this line when they pass port 0.
          process.stdout.write(
            `${JSON.stringify({ msg: 'GSLB listening', dns: `${service.address.host}:${service.address.port}` })}\n`,
          );
          await new Promise<void>((done) => {
            process.once('SIGINT', done);
            process.once('SIGTERM', done);
          });
          await service.stop();
        },
      ),
    );
}
