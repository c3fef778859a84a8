import { join } from 'node:path';
import { Command } from 'commander';
import { SiteConfig, loadSiteConfig, sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { LeaseBackend, LeaseRecord } from '../../lease/index.js';
import { editSiteConfig } from '../../site/index.js';
import { parseDuration } from '../../token/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import {
  leaseBackendFlags,
  openCliLeaseBackend,
  type LeaseBackendOptions,
} from './lease-backend-flags.js';
import { runAction } from '../run-action.js';

async function withBackend<T>(
  opts: LeaseBackendOptions,
  fn: (backend: LeaseBackend) => Promise<T>,
): Promise<T> {
  const backend = await openCliLeaseBackend(opts);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}

/** The holder defaults to this site's id, so operators act as their site. */
async function defaultHolder(opts: LeaseBackendOptions & { holder?: string }): Promise<string> {
  if (opts.holder !== undefined) return opts.holder;
  return (await loadSiteConfig(sitePaths(siteDir(opts.dir)).config)).site.id;
}

function describe(lease: LeaseRecord): string {
  return `${lease.name} held by ${lease.holder}, fencing token ${lease.fencingToken}, expires ${new Date(lease.expiresAt).toISOString()}`;
}

export function leaseCommand(): Command {
  const lease = new Command('lease')
    .description(
      'named leases with fencing tokens: one holder at a time, a token that grows on every change of holder',
    )
    .addHelpText(
      'after',
      [
        '',
        'Backends: the embedded file (one host), etcd (--etcd), or Lease objects in a Kubernetes',
        'coordination cluster (--kubeconfig, --context, --namespace; or --backend kubernetes to use',
        "$KUBECONFIG or the pod's own credentials).",
        '',
        'Examples:',
        '  causeway lease acquire payments-writer --ttl 10s --dir ./eu',
        '  causeway lease list --etcd http://10.0.0.5:2379',
        '  causeway lease acquire payments-writer --kubeconfig hub.yaml --context hub --namespace causeway',
      ].join('\n'),
    );

  leaseBackendFlags(
    lease
      .command('acquire')
      .description('take (or renew) a lease; exits 4 when another holder has it')
      .argument('<name>', 'lease name, e.g. payments-writer')
      .option('--holder <id>', "who holds it (default: this site's id)")
      .option('--ttl <duration>', 'how long it lasts without renewal, e.g. 10s', '10s'),
  ).action(
    runAction(
      async (name: string, opts: LeaseBackendOptions & { holder?: string; ttl: string }) => {
        const format = outputFormat(opts.output);
        const holder = await defaultHolder(opts);
        const result = await withBackend(opts, (b) =>
          b.acquire(name, holder, parseDuration(opts.ttl)),
        );
        emit(format, result, () =>
          result.acquired
            ? `acquired: ${describe(result.lease)}`
            : `refused: ${describe(result.lease)}`,
        );
        if (!result.acquired) process.exitCode = 4;
      },
    ),
  );

  leaseBackendFlags(
    lease
      .command('release')
      .description('give a lease up (only its holder can)')
      .argument('<name>', 'lease name')
      .option('--holder <id>', "who holds it (default: this site's id)"),
  ).action(
    runAction(async (name: string, opts: LeaseBackendOptions & { holder?: string }) => {
      const format = outputFormat(opts.output);
      const holder = await defaultHolder(opts);
      const released = await withBackend(opts, (b) => b.release(name, holder));
      emit(format, { released }, () =>
        released ? `released ${name}` : `${holder} does not hold ${name}`,
      );
      if (!released) process.exitCode = 4;
    }),
  );

  leaseBackendFlags(
    lease.command('list').description('live leases, their holders and fencing tokens'),
  ).action(
    runAction(async (opts: LeaseBackendOptions) => {
      const format = outputFormat(opts.output);
      const leases = await withBackend(opts, (b) => b.list());
      emit(format, leases, () =>
        leases.length === 0
          ? 'no live leases'
          : table(
              ['LEASE', 'HOLDER', 'TOKEN', 'EXPIRES'],
              leases.map((l) => [
                l.name,
                l.holder,
                l.fencingToken,
                new Date(l.expiresAt).toISOString(),
              ]),
            ),
      );
    }),
  );

  leaseBackendFlags(
    lease
      .command('watch')
      .description('print a line every time a lease changes holder, token or expiry (Ctrl-C stops)')
      .argument('<name>', 'lease name')
      .option('--interval <duration>', 'how often to look', '1s')
      .option('--count <n>', 'stop after this many changes', intOption('--count', 1, 1_000_000)),
  ).action(
    runAction(
      async (name: string, opts: LeaseBackendOptions & { interval: string; count?: number }) => {
        const format = outputFormat(opts.output);
        const intervalMs = parseDuration(opts.interval);
        if (intervalMs < 50)
          throw new CausewayError(ErrorCode.InputInvalid, '--interval: at least 50ms');
        let stop = false;
        process.once('SIGINT', () => (stop = true));
        await withBackend(opts, async (b) => {
          let last = '';
          let seen = 0;
          while (!stop && (opts.count === undefined || seen < opts.count)) {
            const lease = await b.get(name);
            const key =
              lease === undefined
                ? 'free'
                : `${lease.holder}/${lease.fencingToken}/${lease.expiresAt}`;
            if (key !== last) {
              last = key;
              seen += 1;
              emit(format, lease ?? { name, free: true }, () =>
                lease === undefined ? `${name} is free` : describe(lease),
              );
            }
            if (opts.count !== undefined && seen >= opts.count) break;
            await new Promise((r) => setTimeout(r, intervalMs));
          }
        });
      },
    ),
  );
  lease
    .command('store')
    .description(
      "show or set where this site's leases live (the store its router routes single-writer writes by)",
    )
    .option('--dir <dir>', DIR_HELP)
    .option(
      '--etcd <urls>',
      'use etcd: comma-separated client URLs, e.g. http://10.0.0.5:2379,http://10.0.0.6:2379',
    )
    .option(
      '--file <path>',
      'use the embedded backend with this JSON file (relative to the site directory)',
    )
    .option('--ttl <duration>', 'how long a lease held by this site lasts without renewal, e.g. 5s')
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  causeway lease store --etcd http://10.0.0.5:2379,http://10.0.1.5:2379 --ttl 5s --dir ./eu\n  causeway lease store --file ../leases.json --dir ./eu\n  causeway lease store --dir ./eu   (shows the current store)',
    )
    .action(
      runAction(
        async (opts: {
          dir?: string;
          etcd?: string;
          file?: string;
          ttl?: string;
          output: string;
        }) => {
          const format = outputFormat(opts.output);
          if (opts.etcd !== undefined && opts.file !== undefined) {
            throw new CausewayError(ErrorCode.InputInvalid, '--etcd and --file: choose one store', {
              hint: 'etcd for sites on several hosts, --file for sites on one host',
            });
          }
          const paths = sitePaths(siteDir(opts.dir));
          const change =
            opts.etcd !== undefined || opts.file !== undefined || opts.ttl !== undefined;
          const leases = change
            ? (
                await editSiteConfig(
                  paths,
                  (config) => (config.leases = storeSettings(config.leases, opts)),
                )
              ).config.leases
            : (await loadSiteConfig(paths.config)).leases;
          emit(format, leases, () => {
            const where =
              leases.backend === 'etcd'
                ? `etcd at ${leases.endpoints.join(', ')}`
                : `embedded file ${leases.file ?? join(paths.dir, 'leases.json')}`;
            return `leases of this site live in ${where}; held leases last ${leases.ttlMs} ms${leases.hold.length > 0 ? `; held here: ${leases.hold.join(', ')}` : ''}`;
          });
        },
      ),
    );
  return lease;
}

/** The `leases` section after `lease store` flags, validated by the site schema (errors name the flag). */
function storeSettings(
  current: SiteConfig['leases'],
  opts: { etcd?: string; file?: string; ttl?: string },
): SiteConfig['leases'] {
  const next = {
    ...current,
    ...(opts.etcd === undefined
      ? {}
      : {
          backend: 'etcd' as const,
          endpoints: opts.etcd.split(',').map((u) => u.trim()),
          file: undefined,
        }),
    ...(opts.file === undefined
      ? {}
      : { backend: 'embedded' as const, endpoints: [], file: opts.file }),
    ...(opts.ttl === undefined ? {} : { ttlMs: parseDuration(opts.ttl) }),
  };
  const parsed = SiteConfig.shape.leases.safeParse(next);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const flag =
    issue?.path[0] === 'ttlMs' ? '--ttl' : issue?.path[0] === 'file' ? '--file' : '--etcd';
  throw new CausewayError(ErrorCode.InputInvalid, `${flag}: ${issue?.message ?? 'invalid'}`, {
    hint: 'see `causeway lease store --help`',
  });
}
