import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ApiClient } from '../../api/index.js';
import { sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import {
  explainRecord,
  GslbState,
  loadGslbConfig,
  parseClient,
  qualifyName,
  removeRecord,
  saveGslbConfig,
  STRATEGIES,
  upsertRecord,
  validateGslbConfig,
  type GslbConfig,
  type GslbRecordInput,
  type RecordExplanation,
} from '../../gslb/index.js';
import { emit, outputFormat, table } from '../output.js';
import { intOption } from '../options.js';
import { runAction } from '../run-action.js';
import { gslbDelegateCommand } from './gslb-delegate-command.js';
import { collect, FILE_HELP, gslbFile } from './gslb-options.js';
import { gslbServeCommand } from './gslb-serve-command.js';

/** `--target eu-west=192.0.2.10[,weight=3][,region=eu]`. */
function targetOption(
  value: string,
  previous: NonNullable<GslbRecordInput['targets']> = [],
): NonNullable<GslbRecordInput['targets']> {
  const [head = '', ...extras] = value.split(',');
  const [site, address] = head.split('=');
  const bad = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(
      `--target: "${value}" ${why}; write site=address[,weight=N][,region=R], e.g. eu-west=192.0.2.10,weight=3`,
    );
  if (site === undefined || site === '' || address === undefined || address === '')
    throw bad('needs site=address');
  const target: NonNullable<GslbRecordInput['targets']>[number] = { site, address };
  for (const extra of extras) {
    const [key, v = ''] = extra.split('=');
    if (key === 'weight' && /^\d+$/.test(v)) target.weight = Number(v);
    else if (key === 'region' && v !== '') target.region = v;
    else throw bad(`has an unknown part "${extra}"`);
  }
  return [...previous, target];
}

/** `tcp:5432`, `http:80/healthz`, `https:443/ready`, or `none` (drop the check). */
function checkOption(
  value: string,
): { protocol: 'tcp' | 'http' | 'https'; port: number; path?: string } | null {
  if (value === 'none') return null;
  const match = /^(tcp|http|https):(\d{1,5})(\/[\x21-\x7e]*)?$/.exec(value);
  const port = Number(match?.[2]);
  if (match === null || port < 1 || port > 65535 || (match[1] === 'tcp' && match[3] !== undefined))
    throw new InvalidArgumentError(
      `--check: "${value}" must be tcp:PORT, http:PORT/path, https:PORT/path or none, e.g. http:80/healthz`,
    );
  return {
    protocol: match[1] as 'tcp' | 'http' | 'https',
    port,
    ...(match[3] === undefined ? {} : { path: match[3] }),
  };
}

function shareOption(value: string): number {
  const share = Number(value);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(value) || !(share >= 0 && share <= 1))
    throw new InvalidArgumentError(
      `--check-share: "${value}" must be a share between 0 and 1, e.g. 0.5 (half the checkers)`,
    );
  return share;
}

function choiceOption<T extends string>(flag: string, allowed: readonly T[]) {
  return (value: string): T => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`${flag}: "${value}" must be one of ${allowed.join(', ')}`);
  };
}

export function gslbCommand(): Command {
  const gslb = new Command('gslb').description(
    'global load balancing: authoritative DNS for your own zone that sends users to healthy sites (failover, weighted, geo, latency)',
  );
  gslb.addHelpText(
    'after',
    `
How it works: a record names a clusterset service and the address each site offers to the outside.
A site is healthy while that service has ready endpoints there and the site is reachable; every
answering server computes the same answer, so the parent zone can list them all as name servers.

  causeway gslb init --zone gslb.example.com --ns ns1.gslb.example.com=192.0.2.53 --router ./eu
  causeway gslb set api --service shop/web --target eu=192.0.2.10 --target us=198.51.100.10
  causeway gslb serve --listen 192.0.2.53:53 &
  causeway gslb explain api --client 203.0.113.0/24`,
  );
  gslb.addCommand(initCommand());
  gslb.addCommand(setCommand());
  gslb.addCommand(listCommand());
  gslb.addCommand(removeCommand());
  gslb.addCommand(explainCommand());
  gslb.addCommand(gslbServeCommand());
  gslb.addCommand(gslbDelegateCommand());
  return gslb;
}

function initCommand(): Command {
  return new Command('init')
    .description(
      'create the GSLB file: the zone, its name servers, the routers that feed health, the geo table',
    )
    .requiredOption(
      '--zone <zone>',
      'the zone to answer for, delegated to these servers by its parent (e.g. gslb.example.com)',
    )
    .option(
      '--ns <name=address>',
      'a name server of the zone and its address (repeatable; glue is served for names inside the zone)',
      collect,
    )
    .option(
      '--router <dir>',
      'site directory of a router whose clusterset view feeds health (repeatable)',
      collect,
    )
    .option(
      '--geo <cidr=region>',
      'client addresses of a region, for geo and latency records (repeatable)',
      collect,
    )
    .option('--default-region <region>', 'region of clients no --geo block matches')
    .option(
      '--checker <host:port>',
      'the --metrics address of a gslb serve that runs health checks (repeatable; every server polls the others)',
      collect,
    )
    .option('--force', 'replace an existing file')
    .option('--file <file>', FILE_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(
        async (opts: {
          zone: string;
          ns?: string[];
          router?: string[];
          geo?: string[];
          defaultRegion?: string;
          checker?: string[];
          force?: boolean;
          file?: string;
          output: string;
        }) => {
          const format = outputFormat(opts.output);
          const file = gslbFile(opts.file);
          if (
            !opts.force &&
            (await access(file).then(
              () => true,
              () => false,
            ))
          ) {
            throw new CausewayError(ErrorCode.InputInvalid, `${file} exists already`, {
              hint: 'edit it with `causeway gslb set`, or pass --force to start over',
            });
          }
          if ((opts.ns ?? []).length === 0)
            throw new CausewayError(
              ErrorCode.InputInvalid,
              '--ns: the zone needs at least one name server',
              { hint: '--ns ns1.gslb.example.com=192.0.2.53 (the address gslb serve listens on)' },
            );
          const pairs = (flag: string, values: string[] = []): Array<[string, string]> =>
            values.map((v) => {
              const at = v.lastIndexOf('=');
              if (at <= 0 || at === v.length - 1)
                throw new CausewayError(
                  ErrorCode.InputInvalid,
                  `${flag}: "${v}" must be key=value`,
                  {
                    hint:
                      flag === '--ns'
                        ? '--ns ns1.gslb.example.com=192.0.2.53'
                        : '--geo 10.1.0.0/16=eu-west',
                  },
                );
              return [v.slice(0, at), v.slice(at + 1)];
            });
          const config = validateGslbConfig(
            {
              zone: opts.zone,
              nameServers: pairs('--ns', opts.ns).map(([name, address]) => ({ name, address })),
              routers: opts.router ?? [],
              geo: {
                cidrs: pairs('--geo', opts.geo).map(([cidr, region]) => ({ cidr, region })),
                ...(opts.defaultRegion === undefined ? {} : { defaultRegion: opts.defaultRegion }),
              },
              records: [],
              checkers: opts.checker ?? [],
            },
            file,
          );
          await saveGslbConfig(file, config);
          emit(
            format,
            config,
            () =>
              `wrote ${file}: zone ${config.zone}, name servers ${config.nameServers.map((n) => n.name).join(', ')}`,
          );
        },
      ),
    );
}

interface SetOptions {
  service?: string;
  target?: GslbRecordInput['targets'];
  strategy?: GslbRecordInput['strategy'];
  ttl?: number;
  noneHealthy?: 'fail-open' | 'servfail';
  holdDown?: number;
  maxAnswers?: number;
  check?: ReturnType<typeof checkOption>;
  checkShare?: number;
  writerLease?: string;
  file?: string;
  output: string;
}

function setCommand(): Command {
  return new Command('set')
    .description('create or change a global record; options not given keep their value')
    .argument('<name>', 'record name, absolute or relative to the zone (api → api.<zone>)')
    .option(
      '--service <namespace/name>',
      'clusterset service whose ready endpoints make a site healthy',
    )
    .option(
      '--target <site=address[,weight=N][,region=R]>',
      'what a site offers to the outside (repeatable; replaces the list)',
      targetOption,
    )
    .option(
      '--strategy <strategy>',
      `${STRATEGIES.join(', ')} (default failover: in --target order)`,
      choiceOption('--strategy', STRATEGIES),
    )
    .option(
      '--ttl <seconds>',
      'how long resolvers may cache the answer (default 5)',
      intOption('--ttl', 0, 86400),
    )
    .option(
      '--none-healthy <policy>',
      'with no healthy site: fail-open (answer all) or servfail (default fail-open)',
      choiceOption('--none-healthy', ['fail-open', 'servfail'] as const),
    )
    .option(
      '--hold-down <seconds>',
      'failover: how long a recovered site must stay healthy before it gets traffic back (default 30)',
      intOption('--hold-down', 0, 86400),
    )
    .option(
      '--max-answers <n>',
      'all-healthy: at most this many addresses (default 8)',
      intOption('--max-answers', 1, 64),
    )
    .option(
      '--check <tcp:PORT|http:PORT/path|https:PORT/path|none>',
      "active health check of every target, run by each gslb serve of the file's checkers (none: remove it)",
      checkOption,
    )
    .option(
      '--check-share <share>',
      'a site passes its check when at least this share of the checkers agree (default 0.5)',
      shareOption,
    )
    .option(
      '--writer-lease <lease|none>',
      'single-writer services: answer the healthy site holding this lease (none: stop following it)',
    )
    .option('--file <file>', FILE_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  causeway gslb set db-writer --service shop/db --writer-lease shop-db --target eu=192.0.2.20 --target us=198.51.100.20
  causeway gslb set api --check http:80/healthz --check-share 0.5   # and list checkers: gslb init --checker
  causeway gslb set api --service shop/web --target eu=192.0.2.10 --target us=198.51.100.10
  causeway gslb set api --strategy weighted --target eu=192.0.2.10,weight=3 --target us=198.51.100.10,weight=1
  causeway gslb set www --service shop/web --strategy geo --target eu=192.0.2.10,region=eu --target us=198.51.100.10,region=us
A running gslb serve picks up the change within a second.`,
    )
    .action(
      runAction(async (name: string, opts: SetOptions) => {
        const format = outputFormat(opts.output);
        const file = gslbFile(opts.file);
        const changes: Partial<GslbRecordInput> = {};
        if (opts.service !== undefined) changes.service = opts.service;
        if (opts.target !== undefined) changes.targets = opts.target;
        if (opts.strategy !== undefined) changes.strategy = opts.strategy;
        if (opts.ttl !== undefined) changes.ttl = opts.ttl;
        if (opts.noneHealthy !== undefined) changes.noHealthy = opts.noneHealthy;
        if (opts.holdDown !== undefined) changes.holdDownSeconds = opts.holdDown;
        if (opts.maxAnswers !== undefined) changes.maxAnswers = opts.maxAnswers;
        const loaded = await loadGslbConfig(file);
        const current = loaded.records.find(
          (r) => r.name === qualifyName(name, loaded.zone),
        )?.healthCheck;
        if (opts.writerLease !== undefined)
          changes.writerLease = opts.writerLease === 'none' ? undefined : opts.writerLease;
        if (opts.check === null) changes.healthCheck = undefined;
        else if (opts.check !== undefined || opts.checkShare !== undefined) {
          const base = opts.check ?? current;
          if (base === undefined)
            throw new CausewayError(
              ErrorCode.InputInvalid,
              '--check-share: the record has no check',
              {
                hint: `causeway gslb set ${name} --check http:80/healthz --check-share ${opts.checkShare ?? 0.5}`,
              },
            );
          changes.healthCheck = {
            ...base,
            ...(opts.checkShare === undefined ? {} : { healthyShare: opts.checkShare }),
          };
        }
        const { config, record, created } = upsertRecord(loaded, name, changes, file);
        await saveGslbConfig(file, config);
        emit(
          format,
          { record, created },
          () => `${created ? 'created' : 'updated'} ${record.name}: ${describe(record)}`,
        );
      }),
    );
}

function listCommand(): Command {
  return new Command('list')
    .description('the global records of the GSLB file')
    .option('--file <file>', FILE_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { file?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const config = await loadGslbConfig(gslbFile(opts.file));
        emit(format, config.records, () =>
          config.records.length === 0
            ? `no records in zone ${config.zone}: add one with \`causeway gslb set\``
            : table(
                ['NAME', 'SERVICE', 'STRATEGY', 'TTL', 'TARGETS'],
                config.records.map((r) => [
                  r.name,
                  r.service,
                  r.strategy,
                  r.ttl,
                  r.targets.map((t) => `${t.site}=${t.address}`).join(' '),
                ]),
              ),
        );
      }),
    );
}

function removeCommand(): Command {
  return new Command('remove')
    .description('delete a global record; its name then answers NXDOMAIN')
    .argument('<name>', 'record name, absolute or relative to the zone')
    .option('--file <file>', FILE_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (name: string, opts: { file?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const file = gslbFile(opts.file);
        const before = await loadGslbConfig(file);
        const config = removeRecord(before, name);
        await saveGslbConfig(file, config);
        emit(
          format,
          { removed: before.records.length - config.records.length },
          () => `removed ${name}`,
        );
      }),
    );
}

function explainCommand(): Command {
  return new Command('explain')
    .description(
      'which site a client gets for a record now, and why (asks the routers the file lists)',
    )
    .argument('<name>', 'record name, absolute or relative to the zone')
    .requiredOption(
      '--client <address[/prefix]>',
      'a resolver address, or a client subnet as ECS would carry it',
    )
    .option('--router <dir>', 'ask this router instead of those in the file (repeatable)', collect)
    .option('--file <file>', FILE_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nA one-shot look has no health history: failover hold-downs in progress at a running server are not seen here.',
    )
    .action(
      runAction(
        async (
          name: string,
          opts: { client: string; router?: string[]; file?: string; output: string },
        ) => {
          const format = outputFormat(opts.output);
          const file = gslbFile(opts.file);
          const config = await loadGslbConfig(file);
          const client = parseClient(opts.client);
          const state = await stateFromRouters(
            config,
            opts.router ?? config.routers.map((d) => resolve(dirname(file), d)),
          );
          const explained = explainRecord(state, name, client);
          emit(format, explained, () => renderExplanation(explained));
        },
      ),
    );
}

/** One look at each router: its clusterset snapshot and status, as `gslb serve` would hold them. */
async function stateFromRouters(config: GslbConfig, dirs: readonly string[]): Promise<GslbState> {
  if (dirs.length === 0)
    throw new CausewayError(ErrorCode.InputInvalid, 'no router to ask for health', {
      hint: 'pass --router <site-dir>, or list routers with `causeway gslb init --router`',
    });
  const state = new GslbState(config, Date.now());
  await Promise.all(
    dirs.map(async (dir) => {
      const client = new ApiClient(sitePaths(dir));
      const [snapshot, status] = await Promise.all([client.services(), client.status()]);
      state.observe(
        dir,
        {
          snapshot,
          status: { site: status.site, links: status.links, partition: status.partition },
        },
        Date.now(),
      );
    }),
  );
  return state;
}

function describe(record: GslbConfig['records'][number]): string {
  const targets = record.targets
    .map(
      (t) =>
        `${t.site}=${t.address}${record.strategy === 'weighted' ? ` (weight ${t.weight})` : ''}`,
    )
    .join(', ');
  return `${record.strategy} over ${targets}, health from ${record.service}, TTL ${record.ttl}s`;
}

function renderExplanation(e: RecordExplanation): string {
  const lines = [
    `${e.name} for ${e.client.source === 'ecs' ? 'client subnet' : 'resolver'} ${e.client.address}/${e.client.prefix}: ${e.answer.rcode} ${e.answer.addresses.join(' ')}`.trimEnd(),
    `  site:   ${e.answer.sites.join(', ') || '-'}`,
    `  why:    ${e.answer.reason}`,
    `  ${e.strategy}, TTL ${e.answer.ttl}s`,
    table(
      ['  SITE', 'ADDRESS', 'REGION', 'WEIGHT', 'HEALTHY'],
      e.targets.map((t) => [
        `  ${t.site}`,
        t.address,
        t.region,
        t.weight,
        t.healthy ? 'yes' : 'no',
      ]),
    ),
  ];
  return lines.join('\n');
}
