import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { ApiClient } from '../../api/index.js';
import { parseHostPort, sitePaths } from '../../config/index.js';
import { newConsoleToken, openConsole, readConsoleToken } from '../../console/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { createLogger } from '../../observability/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

interface ConsoleOptions {
  dir?: string;
  listen: string;
  tokenFile?: string;
  open?: boolean;
  output: string;
}

export function consoleCommand(): Command {
  return new Command('console')
    .description('serve the web console of a running router (topology, services, traffic, cost)')
    .option('--dir <dir>', DIR_HELP)
    .option('--listen <host:port>', 'where to serve it; port 0 picks a free port', '127.0.0.1:0')
    .option('--token-file <file>', 'use the token in this file (default: a new random one per run)')
    .option('--open', 'open the console in the default browser (xdg-open)')
    .option('--output <format>', 'text or json (the URL, once, for scripts)', 'text')
    .addHelpText(
      'after',
      `
The console reads only the router's local API (the unix socket in the site directory), so it
shows what \`causeway status\` and \`causeway services\` show, live, plus the router's recent
traffic (its own ring of the last 15 minutes) and, when the router does cost accounting, cost.
Every request needs the token: the printed URL carries it once and the browser keeps it as a
cookie. The console runs until Ctrl-C; the router keeps running.

Examples:
  causeway console --dir ./eu
  causeway console --dir ./eu --open
  causeway console --dir ./eu --listen 127.0.0.1:7480 --token-file ./console.token`,
    )
    .action(runAction(runConsole));
}

async function runConsole(opts: ConsoleOptions): Promise<void> {
  const format = outputFormat(opts.output);
  const listen = parseHostPort(opts.listen, '--listen', true);
  const paths = sitePaths(siteDir(opts.dir));
  const runtime = await new ApiClient(paths).runtime();
  if (runtime === undefined)
    throw new CausewayError(ErrorCode.RouterNotRunning, `no router runs for ${paths.dir}`, {
      hint: `start it with \`causeway site run --dir ${paths.dir}\`; the console reads its local API`,
    });
  const token =
    opts.tokenFile === undefined
      ? newConsoleToken()
      : await readConsoleToken(opts.tokenFile, '--token-file');
  const opened = await openConsole(paths, listen, token, createLogger(`${runtime.siteId}-console`));
  emit(format, { site: runtime.siteId, url: opened.url, port: opened.port }, () =>
    [
      `console of ${runtime.siteId}: ${opened.url}`,
      'open it in a browser; Ctrl-C stops the console (the router keeps running)',
    ].join('\n'),
  );
  if (opts.open === true) openInBrowser(opened.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await opened.server.close();
}

/** Best effort: without a desktop (xdg-open missing) the printed URL is still there. */
function openInBrowser(url: string): void {
  const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`cannot open a browser here; open ${url}\n`));
  child.unref();
}
