import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseHostPort } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import {
  delegationRecords,
  formatZoneLines,
  loadGslbConfig,
  parseTsigKey,
  publishDelegation,
} from '../../gslb/index.js';
import { emit, outputFormat } from '../output.js';
import { intOption } from '../options.js';
import { runAction } from '../run-action.js';
import { FILE_HELP, gslbFile } from './gslb-options.js';

interface DelegateOptions {
  parent?: string;
  server?: string;
  tsig?: string;
  tsigFile?: string;
  attempts: number;
  print?: boolean;
  file?: string;
  output: string;
}

/** `causeway gslb delegate`: NS and glue into the parent zone, or printed. */
export function gslbDelegateCommand(): Command {
  return new Command('delegate')
    .description(
      "publish the zone's NS and glue records in its parent zone by signed dynamic update (RFC 2136, TSIG), or print them",
    )
    .option('--parent <zone>', 'the parent zone (default: the zone without its first label)')
    .option(
      '--server <host:port>',
      "the parent zone's primary server, which accepts dynamic updates",
    )
    .option(
      '--tsig <[algorithm:]name:secret>',
      'the TSIG key the parent allows to update (as dig -y takes it)',
    )
    .option(
      '--tsig-file <file>',
      'read the key, in the same form, from a file (keeps the secret out of ps)',
    )
    .option(
      '--attempts <n>',
      'tries before giving up, with back-off between them',
      intOption('--attempts', 1, 20),
      5,
    )
    .option(
      '--print',
      'only print the records, in zone-file form, for providers where they are entered by hand',
    )
    .option('--file <file>', FILE_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  causeway gslb delegate --print
  causeway gslb delegate --server 203.0.113.53:53 --tsig-file gslb-update.key
The update replaces the parent's NS set for the zone and the glue addresses in one message; the
parent serves it at once. Works with BIND, Knot, PowerDNS and other RFC 2136 servers.`,
    )
    .action(
      runAction(async (opts: DelegateOptions) => {
        const format = outputFormat(opts.output);
        const config = await loadGslbConfig(gslbFile(opts.file));
        const records = delegationRecords(config);
        const parent = (opts.parent ?? config.zone.split('.').slice(1).join('.'))
          .replace(/\.$/, '')
          .toLowerCase();
        if (opts.print === true)
          return emit(
            format,
            { parent, records },
            () => `; add to the ${parent} zone:\n${formatZoneLines(records)}`,
          );
        if (opts.server === undefined)
          throw new CausewayError(
            ErrorCode.InputInvalid,
            "--server: the parent's primary is needed to send the update",
            { hint: 'pass --server host:port, or --print to enter the records by hand' },
          );
        const server = parseHostPort(opts.server, '--server');
        const keyText = opts.tsigFile !== undefined ? await readKeyFile(opts.tsigFile) : opts.tsig;
        if (keyText === undefined)
          throw new CausewayError(
            ErrorCode.InputInvalid,
            '--tsig: a TSIG key is needed to sign the update',
            { hint: 'pass --tsig-file <file> or --tsig hmac-sha256:name:secret' },
          );
        const key = parseTsigKey(keyText);
        const { attempts } = await publishDelegation({
          parentZone: parent,
          server,
          key,
          records,
          attempts: opts.attempts,
          onRetry: (attempt, err, delayMs) =>
            process.stderr.write(
              `attempt ${attempt} failed: ${err.message}; retrying in ${Math.round(delayMs)} ms\n`,
            ),
        });
        emit(
          format,
          { parent, server: opts.server, records, attempts },
          () =>
            `published ${records.length} records in ${parent} at ${opts.server}:\n${formatZoneLines(records)}`,
        );
      }),
    );
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--tsig-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      { hint: 'the file holds one line: hmac-sha256:key-name:base64-secret' },
    );
  }
}
