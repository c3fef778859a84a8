import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { ApiClient, type DrillReport, type DrillView } from '../../api/index.js';
import {
  checkMembers,
  drillSummary,
  parseBetween,
  parseMilliseconds,
  parsePercent,
  parseSiteList,
  signDrill,
  MAX_DRILL_MS,
  type DrillSigningKey,
  type DrillStart,
  type UnsignedDrillMessage,
} from '../../drill/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { readStateText, sitePaths, type SitePaths } from '../../site-files/index.js';
import { parseDuration } from '../../token/index.js';
import { emit, outputFormat, table } from '../output.js';
import { ADMIN_CERT_HELP, ADMIN_KEY_HELP, DIR_HELP, adminKeyFiles, siteDir } from '../options.js';
import { runAction } from '../run-action.js';
import { renderDrillReport } from './drill-report-text.js';

interface SignerOptions {
  dir?: string;
  adminKey?: string;
  adminCert?: string;
}

interface CommonOptions extends SignerOptions {
  output: string;
  yes?: boolean;
  for: string;
}

export function drillCommand(): Command {
  const drill = new Command('drill')
    .description(
      'stage a failure on the links (partition, site loss, latency, loss) that heals by itself',
    )
    .addHelpText(
      'after',
      [
        '',
        'A drill is signed with the clusterset CA key, so it runs from the site holding ca.key, or',
        'with an admin key from `causeway admin issue` (--admin-key, --admin-cert) from any site. It',
        'is flooded to every router and ends by itself at its deadline at every router, even if',
        'the site that started it is gone or cut off; `drill stop` ends it early.',
        '',
        'Examples:',
        '  causeway drill partition --isolate eu-west --for 2m --dir ./us',
        '  causeway drill site-loss --site ap-south --for 1m --dir ./us',
        '  causeway drill latency --between us-east,eu-west --add 150ms --jitter 20ms --for 5m --dir ./us',
        '  causeway drill loss --between us-east,eu-west --percent 5 --for 5m --dir ./us',
        '  causeway drill partition --isolate eu-west --for 2m --dir ./ap --admin-key admin-ops.key --admin-cert admin-ops.crt',
        '  causeway drill report --dir ./eu          # what eu-west saw during the last drill',
      ].join('\n'),
    );

  common(
    drill
      .command('partition')
      .description('cut the named sites and the rest of the clusterset off from each other')
      .requiredOption('--isolate <sites>', 'sites on one side, comma separated, e.g. eu-west'),
  ).action(
    runAction(async (opts: CommonOptions & { isolate: string }) => {
      const sites = parseSiteList('--isolate', opts.isolate);
      await start(opts, { kind: 'partition', sites }, '--isolate');
    }),
  );

  common(
    drill
      .command('site-loss')
      .description('make one site look dead to every other site')
      .requiredOption('--site <site>', 'the site to lose'),
  ).action(
    runAction(async (opts: CommonOptions & { site: string }) => {
      const sites = parseSiteList('--site', opts.site);
      if (sites.length !== 1)
        throw new CausewayError(ErrorCode.InputInvalid, '--site: name one site', {
          hint: 'to lose several sites at once, use `drill partition --isolate a,b`',
        });
      await start(opts, { kind: 'site-loss', sites }, '--site');
    }),
  );

  common(
    drill
      .command('latency')
      .description('add delay to the link between two sites (the round trip grows by --add)')
      .requiredOption('--between <x,y>', 'the two sites, e.g. us-east,eu-west')
      .requiredOption('--add <delay>', 'added round-trip time, e.g. 150ms (at most 1000ms)')
      .option('--jitter <delay>', 'the added time varies by up to this much, e.g. 20ms'),
  ).action(
    runAction(async (opts: CommonOptions & { between: string; add: string; jitter?: string }) => {
      const addMs = parseMilliseconds('--add', opts.add);
      const jitterMs = opts.jitter === undefined ? 0 : parseMilliseconds('--jitter', opts.jitter);
      const sites = parseBetween(opts.between);
      await start(opts, { kind: 'latency', sites, addMs, jitterMs }, '--between');
    }),
  );

  common(
    drill
      .command('loss')
      .description('lose a share of the segments between two sites (each costs a retransmission)')
      .requiredOption('--between <x,y>', 'the two sites, e.g. us-east,eu-west')
      .requiredOption('--percent <p>', 'share of segments lost, e.g. 5'),
  ).action(
    runAction(async (opts: CommonOptions & { between: string; percent: string }) => {
      const percent = parsePercent(opts.percent);
      const sites = parseBetween(opts.between);
      await start(opts, { kind: 'loss', sites, percent }, '--between');
    }),
  );

  drill
    .command('stop')
    .description('end a drill now, at every router it reaches')
    .argument('<id>', 'the drill id, as `drill list` shows it')
    .option('--dir <dir>', DIR_HELP)
    .option('--admin-key <file>', ADMIN_KEY_HELP)
    .option('--admin-cert <file>', ADMIN_CERT_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (id: string, opts: SignerOptions & { output: string }) => {
        const format = outputFormat(opts.output);
        const { api, caKey, self } = await signer(opts);
        const stop = signDrill(
          { type: 'drill-stop', id, issuedAt: Date.now(), issuer: self },
          caKey,
        );
        const view = await api.submitDrill(stop);
        emit(format, view, () => `drill ${id} stopped: ${view.summary}`);
      }),
    );

  drill
    .command('list')
    .description('drills in force here and those ended since the router started')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const views = await new ApiClient(sitePaths(siteDir(opts.dir))).drills();
        emit(format, views, () => renderList(views));
      }),
    );

  drill
    .command('report')
    .description('what this site saw during a drill: detection, safe mode, leases, flows, 503s')
    .argument('[id]', 'the drill id (default: the newest drill seen here)')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (id: string | undefined, opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const report: DrillReport = await new ApiClient(sitePaths(siteDir(opts.dir))).drillReport(
          id,
        );
        emit(format, report, () => renderDrillReport(report));
      }),
    );
  return drill;
}

function common(command: Command): Command {
  return command
    .requiredOption('--for <duration>', 'how long it lasts; it ends by itself then, e.g. 2m')
    .option('--yes', 'start without asking (required when there is no terminal)')
    .option('--dir <dir>', DIR_HELP)
    .option('--admin-key <file>', ADMIN_KEY_HELP)
    .option('--admin-cert <file>', ADMIN_CERT_HELP)
    .option('--output <format>', 'text or json', 'text');
}

type DrillShape = Pick<DrillStart, 'kind' | 'sites' | 'addMs' | 'jitterMs' | 'percent'>;

/** Checks, confirms, signs and hands a new drill to this site's router. */
async function start(opts: CommonOptions, shape: DrillShape, sitesFlag: string): Promise<void> {
  const format = outputFormat(opts.output);
  const forMs = parseDuration(opts.for);
  if (forMs > MAX_DRILL_MS)
    throw new CausewayError(ErrorCode.InputInvalid, `--for: ${opts.for} is longer than a day`, {
      hint: 'a drill lasts at most 1d; start another one afterwards if needed',
    });
  const { api, caKey, self, members } = await signer(opts);
  checkMembers(sitesFlag, shape.sites, members);
  if (shape.kind === 'partition' && members.every((m) => shape.sites.includes(m)))
    throw new CausewayError(
      ErrorCode.InputInvalid,
      '--isolate: names every member: nothing is left on the other side',
      {
        hint: 'isolate some of the sites, e.g. --isolate ' + (members[0] ?? 'eu-west'),
      },
    );
  const now = Date.now();
  const unsigned: UnsignedDrillMessage = {
    type: 'drill',
    id: randomBytes(16).toString('hex'),
    ...shape,
    issuedAt: now,
    endsAt: now + forMs,
    issuer: self,
  };
  await confirm(
    opts,
    `${drillSummary({ ...unsigned, signature: '-' })}, for ${opts.for} (until ${new Date(now + forMs).toISOString()})`,
  );
  const view = await api.submitDrill(signDrill(unsigned, caKey));
  emit(format, view, () =>
    [
      `drill ${view.id} started: ${view.summary}`,
      `ends by itself at ${view.endsAt} at every router; stop it early with:`,
      `  causeway drill stop ${view.id}${opts.dir === undefined ? '' : ` --dir ${opts.dir}`}`,
    ].join('\n'),
  );
}

/**
 * The router of this site, the key that signs (the admin key given, else this site's CA key, else
 * a refusal saying where drills start) and the members.
 */
async function signer(
  opts: SignerOptions,
): Promise<{ api: ApiClient; caKey: DrillSigningKey; self: string; members: string[] }> {
  const paths = sitePaths(siteDir(opts.dir));
  const caKey = await signingKey(paths, opts);
  const api = new ApiClient(paths);
  const status = await api.status();
  const members = status.partition?.members ?? [status.site.id];
  return { api, caKey, self: status.site.id, members };
}

async function signingKey(paths: SitePaths, opts: SignerOptions): Promise<DrillSigningKey> {
  const admin = adminKeyFiles(opts.adminKey, opts.adminCert);
  if (admin !== undefined)
    return {
      keyPem: await readFlagFile('--admin-key', admin.keyFile),
      adminCertificate: await readFlagFile('--admin-cert', admin.certFile),
    };
  const key = await readStateText(paths.caKey);
  if (key.kind !== 'ok')
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--dir: ${paths.dir} holds no clusterset CA key (ca.key${key.kind === 'unreadable' ? ' unreadable' : ' absent'}): only its holder, or an admin key, may start or stop a drill`,
      {
        hint: 'run the drill with --dir of the site that created the clusterset, or pass --admin-key and --admin-cert from `causeway admin issue`',
      },
    );
  return { keyPem: key.value };
}

async function readFlagFile(flag: string, file: string): Promise<string> {
  const read = await readStateText(file);
  if (read.kind !== 'ok')
    throw new CausewayError(ErrorCode.InputInvalid, `${flag}: cannot read ${file} (${read.kind})`, {
      hint: 'give the files `causeway admin issue --out D` wrote',
    });
  return read.value;
}

/** `--yes`, or a "yes" typed at a terminal; without either the drill does not start. */
async function confirm(opts: CommonOptions, what: string): Promise<void> {
  if (opts.yes === true) return;
  if (process.stdin.isTTY !== true)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--yes: not given, and there is no terminal to confirm on (${what})`,
      {
        hint: 'pass --yes to start the drill without asking',
      },
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `About to start a failure drill: ${what}.\nType yes to start it: `,
    );
    if (answer.trim().toLowerCase() !== 'yes')
      throw new CausewayError(ErrorCode.InputInvalid, 'drill not confirmed: nothing was started', {
        hint: 'answer yes, or pass --yes',
      });
  } finally {
    rl.close();
  }
}

function renderList(views: DrillView[]): string {
  if (views.length === 0) return 'no drill seen by this router since it started';
  return table(
    ['ID', 'KIND', 'SITES', 'ENDS', 'STATE', 'WHAT'],
    views.map((v) => [
      v.id,
      v.kind,
      v.sites.join(','),
      v.endsAt,
      v.ended === null ? 'IN FORCE' : `ended (${v.ended})`,
      v.summary,
    ]),
  );
}
