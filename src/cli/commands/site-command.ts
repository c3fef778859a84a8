import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { ApiClient, ApiServer } from '../../api/index.js';
import {
  loadSiteConfig,
  parseHostPort,
  sitePaths,
  type SiteConfig,
  type SitePaths,
} from '../../config/index.js';
import { openConsole, readConsoleToken, type ConsoleServer } from '../../console/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { createLogger, type Logger } from '../../observability/index.js';
import { Router, listenerFailure } from '../../router/index.js';
import { initSite } from '../../site/index.js';
import { parseDuration } from '../../token/index.js';
import { emit, outputFormat } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

export function siteCommand(): Command {
  const site = new Command('site').description(
    'create and run a site (one router per cluster or host)',
  );

  site
    .command('init')
    .description(
      'create a site directory: key, certificate, clusterset CA (for the first site) and site.yaml',
    )
    .requiredOption(
      '--id <site-id>',
      'stable site id, a DNS name such as eu-west (becomes spiffe://<trust-domain>/site/<id>)',
    )
    .option('--zone <zone>', 'zone of this site, e.g. eu-west-1a', 'zone-a')
    .option('--region <region>', 'region of this site, e.g. eu-west-1', 'region-a')
    .option('--dir <dir>', 'directory to create (default: ./<site-id>)')
    .option(
      '--trust-domain <name>',
      'trust domain of a new clusterset (default: a random cs-XXXXXXXX.causeway)',
    )
    .option(
      '--ca-dir <dir>',
      'sign this site with an existing clusterset CA (ca.crt + ca.key) instead of creating one',
    )
    .option(
      '--listen <host:port>',
      'link port other sites dial; port 0 picks a free port at first start and keeps it',
      '0.0.0.0:7443',
    )
    .option(
      '--advertise <host:port...>',
      'addresses other sites should dial, written into tokens (default: from --listen)',
    )
    .option(
      '--address-pool <cidr>',
      'IPv4 CIDR for virtual IPs of imported services (default: a 127.x.0.0/16 derived from the id)',
    )
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
The first site of a clusterset creates the clusterset CA. Later sites may be created the same way:
when they redeem a token from the clusterset (\`causeway link create\`), they join it and retire
their own unused CA. Key files are written with mode 0600.

Example:
  causeway site init --id eu-west --zone eu-west-1a --region eu-west-1 --dir ./eu`,
    )
    .action(
      runAction(
        async (opts: {
          id: string;
          zone: string;
          region: string;
          dir?: string;
          trustDomain?: string;
          caDir?: string;
          listen: string;
          advertise?: string[];
          addressPool?: string;
          output: string;
        }) => {
          const format = outputFormat(opts.output);
          parseHostPort(opts.listen, '--listen', true);
          for (const a of opts.advertise ?? []) parseHostPort(a, '--advertise');
          const { paths, trustDomain } = await initSite({
            id: opts.id,
            zone: opts.zone,
            region: opts.region,
            dir: opts.dir ?? opts.id,
            ...(opts.trustDomain === undefined ? {} : { trustDomain: opts.trustDomain }),
            ...(opts.caDir === undefined ? {} : { caDir: opts.caDir }),
            listen: opts.listen,
            advertise: opts.advertise ?? [],
            ...(opts.addressPool === undefined ? {} : { addressPool: opts.addressPool }),
          });
          emit(
            format,
            { site: opts.id, dir: paths.dir, trustDomain },
            () =>
              `site ${opts.id} created in ${paths.dir} (trust domain ${trustDomain})\nnext: causeway site run --dir ${paths.dir}`,
          );
        },
      ),
    );

  site
    .command('run')
    .description('run the site router in the foreground (JSON logs on stdout); Ctrl-C stops it')
    .option('--dir <dir>', DIR_HELP)
    .option('--daemon', 'start in the background; logs go to <dir>/router.log')
    .option(
      '--metrics-listen <host:port>',
      'also serve /metrics and /v1/status over TCP for Prometheus',
    )
    .option(
      '--hold-lease <name...>',
      'acquire and renew this lease (in the store of the leases section) while this site is on the majority side; repeatable',
    )
    .option(
      '--import-address <ip>',
      'also serve every imported service on this address, a port per service port (overrides services.importAddress; in Kubernetes the pod IP)',
    )
    .option(
      '--console-listen <host:port>',
      'serve the web console here (overrides console.listen in site.yaml; needs a token file)',
    )
    .option(
      '--console-token-file <file>',
      'the token the console asks of every request (overrides console.tokenFile)',
    )
    .addHelpText(
      'after',
      `
Single-writer services: a site started with --hold-lease payments-writer takes writes of every
service exposed with --writes single-writer --lease payments-writer. It acquires the lease while its
partition view says it is on the majority side and renews it every third of leases.ttlMs; on the
minority side it neither acquires nor renews, so the lease lapses and a majority-side site takes
it over with a higher fencing token. Leases live in the store named by the leases section of
site.yaml (embedded file by default; etcd for sites on several hosts).

Import address: the virtual IPs of imported services (services.addressPool) are local to this
host. With --import-address, every port of every imported ClusterSetIP service also listens on that
address, on a port of its own from services.importPorts (kept in import-ports.json), so other
machines (pods, through the EndpointSlices the Kubernetes controller writes) reach them.

Console: with --console-listen (or console.listen in site.yaml) the router serves the web console
itself, every request checked against the token in --console-token-file; off by default. On a
workstation, \`causeway console --dir <dir>\` serves it on loopback with a fresh token instead.

Examples:
  causeway site run --dir ./eu --hold-lease payments-writer
  causeway site run --dir ./eu --console-listen 127.0.0.1:7480 --console-token-file ./console.token
  causeway site run --dir /var/lib/causeway/site --import-address "$POD_IP"`,
    )
    .action(
      runAction(
        async (opts: {
          dir?: string;
          daemon?: boolean;
          metricsListen?: string;
          holdLease?: string[];
          importAddress?: string;
          consoleListen?: string;
          consoleTokenFile?: string;
        }) => {
          const paths = sitePaths(siteDir(opts.dir));
          const running = await new ApiClient(paths).runtime();
          if (running !== undefined) {
            throw new CausewayError(
              ErrorCode.InputInvalid,
              `a router for site ${running.siteId} already runs (pid ${running.pid})`,
              { hint: 'stop it first, or use another --dir' },
            );
          }
          const hold = opts.holdLease ?? [];
          for (const name of hold) {
            if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
              throw new CausewayError(
                ErrorCode.InputInvalid,
                `--hold-lease: "${name}" is not a lease name`,
                {
                  hint: 'use letters, digits, ".", "_" and "-", e.g. --hold-lease payments-writer',
                },
              );
            }
          }
          if (opts.importAddress !== undefined && isIP(opts.importAddress) === 0) {
            throw new CausewayError(
              ErrorCode.InputInvalid,
              `--import-address: "${opts.importAddress}" is not an IP address`,
              {
                hint: 'give an address of this host, without a port, e.g. --import-address 10.0.3.7',
              },
            );
          }
          const run: RunOptions = {
            metricsListen: opts.metricsListen,
            holdLeases: hold,
            importAddress: opts.importAddress,
            consoleListen: opts.consoleListen,
            consoleTokenFile: opts.consoleTokenFile,
          };
          if (opts.daemon === true) return startDaemon(paths.dir, run);
          await runForeground(paths.dir, run);
        },
      ),
    );
  site
    .command('drain')
    .description(
      'stop new flows to this site (peers stop choosing it at once), let flows in progress finish, then stop the router',
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--timeout <duration>', 'longest wait for flows in progress, e.g. 30s, 2m', '30s')
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { dir?: string; timeout: string; output: string }) => {
        const format = outputFormat(opts.output);
        const result = await new ApiClient(sitePaths(siteDir(opts.dir))).drain(
          parseDuration(opts.timeout),
        );
        emit(format, result, () =>
          result.remaining === 0
            ? `drained in ${result.waitedMs} ms; the router has stopped`
            : `stopped after ${result.waitedMs} ms with ${result.remaining} flow(s) still open (they were reset)`,
        );
      }),
    );
  return site;
}

/** What `site run` passes on to the router (and, with --daemon, to the process it starts). */
interface RunOptions {
  metricsListen: string | undefined;
  holdLeases: string[];
  importAddress: string | undefined;
  consoleListen: string | undefined;
  consoleTokenFile: string | undefined;
}

async function runForeground(dir: string, run: RunOptions): Promise<void> {
  const { metricsListen, holdLeases, importAddress } = run;
  const paths = sitePaths(dir);
  const config = await loadSiteConfig(paths.config);
  const router = await Router.open(paths, createLogger(config.site.id), {
    holdLeases,
    ...(importAddress === undefined ? {} : { importAddress }),
  });
  const api = new ApiServer(router);
  let drained: () => void = () => undefined;
  const drainedSignal = new Promise<void>((resolve) => (drained = resolve));
  api.onDrained = () => drained();
  let consoleServer: ConsoleServer | undefined;
  try {
    await openLocalApi(api, paths.apiSocket, metricsListen, router);
    consoleServer = await openSiteConsole(paths, consoleSetting(config, run), router.logger);
    // The link port opens last: a peer that links here finds every other listener bound.
    await router.connect();
    await router.writeRuntime(paths.apiSocket);
  } catch (err) {
    await consoleServer?.close();
    await api.close();
    await router.stop();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void drainedSignal.then(stop);
  });
  await consoleServer?.close();
  await api.close();
  await router.stop();
  process.exit(0);
}

/** The management socket and, when asked for, the metrics listener; errors name the setting. */
async function openLocalApi(
  api: ApiServer,
  socket: string,
  metricsListen: string | undefined,
  router: Router,
): Promise<void> {
  try {
    await api.listen(socket);
  } catch (err) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `--dir: cannot listen on the API socket ${socket} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      {
        cause: err,
        hint: 'use a site directory on a local file system with a shorter path (a unix socket path has at most 107 bytes)',
      },
    );
  }
  if (metricsListen === undefined) return;
  const { host, port } = parseHostPort(metricsListen, '--metrics-listen', true);
  try {
    const bound = await api.listenMetrics(host, port);
    router.logger.info({ metrics: `${host}:${bound}` }, 'metrics listening');
  } catch (err) {
    throw listenerFailure('--metrics-listen', metricsListen, err, 'on the command line');
  }
}

/**
 * The router's own console (site.yaml `console.listen`, off by default), read through the local
 * API socket like any other client. Started with the router; a reload does not move it.
 */
async function openSiteConsole(
  paths: SitePaths,
  setting: ConsoleSetting,
  logger: Logger,
): Promise<ConsoleServer | undefined> {
  const { listen, tokenFile, fields } = setting;
  if (listen === '') return undefined;
  if (tokenFile === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${fields.tokenFile}: the console needs a token file`,
      {
        hint: 'write a token (e.g. `openssl rand -hex 24 > console.token`) and pass --console-token-file',
      },
    );
  const token = await readConsoleToken(tokenFile, fields.tokenFile);
  const address = parseHostPort(listen, fields.listen, true);
  try {
    const opened = await openConsole(paths, address, token, logger);
    logger.info({ console: `${address.host}:${opened.port}` }, 'console listening');
    return opened.server;
  } catch (err) {
    throw listenerFailure(fields.listen, listen, err, fields.where);
  }
}

/** The console's address and token file: the command line's, else site.yaml's; named as given. */
interface ConsoleSetting {
  listen: string;
  tokenFile: string | undefined;
  fields: { listen: string; tokenFile: string; where: string };
}

function consoleSetting(config: SiteConfig, run: RunOptions): ConsoleSetting {
  if (run.consoleListen !== undefined)
    return {
      listen: run.consoleListen,
      tokenFile: run.consoleTokenFile ?? config.console.tokenFile,
      fields: {
        listen: '--console-listen',
        tokenFile: '--console-token-file',
        where: 'on the command line',
      },
    };
  return {
    listen: config.console.listen,
    tokenFile: run.consoleTokenFile ?? config.console.tokenFile,
    fields: { listen: 'console.listen', tokenFile: 'console.tokenFile', where: 'in site.yaml' },
  };
}

async function startDaemon(dir: string, run: RunOptions): Promise<void> {
  const { metricsListen, holdLeases, importAddress } = run;
  const paths = sitePaths(dir);
  const log = openSync(join(paths.dir, 'router.log'), 'a');
  const args = [
    process.argv[1] ?? '',
    'site',
    'run',
    '--dir',
    paths.dir,
    ...(metricsListen === undefined ? [] : ['--metrics-listen', metricsListen]),
    ...holdLeases.flatMap((name) => ['--hold-lease', name]),
    ...(importAddress === undefined ? [] : ['--import-address', importAddress]),
    ...(run.consoleListen === undefined ? [] : ['--console-listen', run.consoleListen]),
    ...(run.consoleTokenFile === undefined ? [] : ['--console-token-file', run.consoleTokenFile]),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const client = new ApiClient(paths);
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    const runtime = await client.runtime();
    if (runtime !== undefined) {
      process.stdout.write(
        `router started in the background (pid ${runtime.pid}); logs: ${join(paths.dir, 'router.log')}\n`,
      );
      return;
    }
    if (child.exitCode !== null) break;
  }
  const refusal = await startRefusal(join(paths.dir, 'router.log'));
  if (child.exitCode !== null && refusal !== undefined)
    throw new CausewayError(ErrorCode.ConfigInvalid, refusal.message, {
      hint: refusal.hint ?? `read ${join(paths.dir, 'router.log')}`,
    });
  throw new CausewayError(ErrorCode.Timeout, 'the router did not start', {
    hint: `read ${join(paths.dir, 'router.log')}`,
  });
}

/** The `error:` and `hint:` lines a background router wrote to its log when it refused to start. */
async function startRefusal(
  log: string,
): Promise<{ message: string; hint: string | undefined } | undefined> {
  const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n');
  let at = lines.length - 1;
  while (at >= 0 && lines[at]?.startsWith('error: ') !== true) at -= 1;
  if (at < 0) return undefined;
  const hint =
    lines[at + 1]?.startsWith('hint: ') === true
      ? lines[at + 1]?.slice('hint: '.length)
      : undefined;
  return { message: (lines[at] ?? '').slice('error: '.length), hint };
}
