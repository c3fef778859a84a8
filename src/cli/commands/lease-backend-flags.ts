import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadSiteConfig, sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import {
  EmbeddedLeaseBackend,
  KubernetesLeaseBackend,
  openEtcdLeaseBackend,
  openLeaseBackend,
  type LeaseBackend,
} from '../../lease/index.js';
import { DIR_HELP, siteDir } from '../options.js';

/** The flags every `causeway lease` subcommand takes to choose and reach its backend. */
export interface LeaseBackendOptions {
  dir?: string;
  backend?: string;
  etcd?: string;
  file?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: string;
}

const backendKinds = ['embedded', 'etcd', 'kubernetes'] as const;
type BackendKind = (typeof backendKinds)[number];

/** Adds the backend flags to a lease subcommand. */
export function leaseBackendFlags(command: Command): Command {
  return command
    .option('--dir <dir>', DIR_HELP)
    .option(
      '--backend <kind>',
      "embedded, etcd or kubernetes (default: etcd with --etcd, kubernetes with --kubeconfig, else the site's store, see `causeway lease store`)",
    )
    .option(
      '--file <path>',
      'embedded: the file shared by the sites of one host (default: <dir>/leases.json)',
    )
    .option('--etcd <urls>', 'etcd: comma-separated client URLs, e.g. http://10.0.0.5:2379')
    .option(
      '--kubeconfig <file>',
      "kubernetes: kubeconfig of the coordination cluster (default: $KUBECONFIG, ~/.kube/config or the pod's own)",
    )
    .option(
      '--context <name>',
      'kubernetes: context of that kubeconfig (default: its current context)',
    )
    .option(
      '--namespace <ns>',
      "kubernetes: namespace of the Lease objects (default: the context's, else default)",
    )
    .option('--output <format>', 'text or json', 'text');
}

/** `--backend` if given, else what the other flags imply; flags of another backend are refused. */
function chooseBackend(opts: LeaseBackendOptions): BackendKind {
  const kind =
    opts.backend ??
    (opts.etcd !== undefined ? 'etcd' : opts.kubeconfig !== undefined ? 'kubernetes' : 'embedded');
  if (!(backendKinds as readonly string[]).includes(kind)) {
    throw new CausewayError(ErrorCode.InputInvalid, `--backend: "${kind}" is not a lease backend`, {
      hint: `use one of ${backendKinds.join(', ')}`,
    });
  }
  const flagsOf: Record<BackendKind, Array<keyof LeaseBackendOptions>> = {
    embedded: ['file'],
    etcd: ['etcd'],
    kubernetes: ['kubeconfig', 'context', 'namespace'],
  };
  for (const [other, flags] of Object.entries(flagsOf)) {
    const stray = other === kind ? undefined : flags.find((flag) => opts[flag] !== undefined);
    if (stray !== undefined) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `--${stray} belongs to the ${other} backend, but the ${kind} backend is in use`,
        {
          hint: `drop --${stray}, or pass --backend ${other}`,
        },
      );
    }
  }
  return kind as BackendKind;
}

/**
 * Opens the backend the flags name. With no backend flag at all, the site's own store (its
 * `leases` section, the one its router routes single-writer writes by) when the site exists.
 */
export async function openCliLeaseBackend(opts: LeaseBackendOptions): Promise<LeaseBackend> {
  const paths = sitePaths(siteDir(opts.dir));
  const noBackendFlag = [
    opts.backend,
    opts.etcd,
    opts.file,
    opts.kubeconfig,
    opts.context,
    opts.namespace,
  ].every((v) => v === undefined);
  if (noBackendFlag && existsSync(paths.config))
    return openLeaseBackend((await loadSiteConfig(paths.config)).leases, paths.dir);
  const kind = chooseBackend(opts);
  switch (kind) {
    case 'etcd':
      if (opts.etcd === undefined)
        throw new CausewayError(ErrorCode.InputInvalid, '--etcd: required with --backend etcd', {
          hint: 'pass --etcd http://<host>:2379',
        });
      return openEtcdLeaseBackend({ hosts: opts.etcd.split(',') });
    case 'kubernetes':
      return KubernetesLeaseBackend.open({
        ...(opts.kubeconfig === undefined ? {} : { kubeconfig: opts.kubeconfig }),
        ...(opts.context === undefined ? {} : { context: opts.context }),
        ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
      });
    case 'embedded':
      return new EmbeddedLeaseBackend({
        path: opts.file ?? join(sitePaths(siteDir(opts.dir)).dir, 'leases.json'),
      });
  }
}
