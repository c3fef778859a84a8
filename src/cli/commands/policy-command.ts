import { Command, InvalidArgumentError } from 'commander';
import { PolicyConfig, sitePaths } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { editSiteConfig } from '../../site/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';
import { describeAccess, policyAllowCommand, policyDenyCommand } from './policy-access-commands.js';

interface SetOptions {
  namespace: string;
  locality?: string;
  affinity?: string;
  overload?: number;
  weight?: string[];
  failoverPriority?: string;
  sessionAffinity?: string;
  dir?: string;
  output: string;
}

/** `site=weight` pairs. */
function weightPair(value: string, previous: string[] = []): string[] {
  if (!/^[a-z0-9.-]+=\d+(\.\d+)?$/.test(value))
    throw new InvalidArgumentError(`--weight: "${value}" must be site=weight, e.g. eu-west=3`);
  return [...previous, value];
}

export function policyCommand(): Command {
  const policy = new Command('policy').description(
    "how this site spreads new flows over a service's endpoints (locality, affinity, weights, failover, session affinity), and who may reach its exports (allow, deny)",
  );

  policy
    .command('set')
    .description('set (or change) the traffic policy this site uses for a service')
    .argument('<service>', 'service name')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .option('--locality <mode>', 'prefer-close (same zone, then region, then any) or any')
    .option(
      '--affinity <mode>',
      "none, local (this site's endpoints first) or remote (other sites first)",
    )
    .option(
      '--overload <flows>',
      'outstanding flows per endpoint above which the preferred tier spills, gradually',
      intOption('--overload', 1, 1_000_000),
    )
    .option('--weight <site=n>', 'relative weight of a site (repeatable)', weightPair)
    .option('--failover-priority <labels>', 'comma-separated tier labels, e.g. site,region,zone')
    .option('--session-affinity <mode>', 'client-ip[:seconds] or none')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  causeway policy set rebel-base --namespace default --affinity local\n  causeway policy set web --namespace shop --locality prefer-close --overload 50 --weight eu-west=3',
    )
    .action(
      runAction(async (service: string, opts: SetOptions) => {
        const format = outputFormat(opts.output);
        const { live, config } = await editSiteConfig(sitePaths(siteDir(opts.dir)), (c) => {
          const current = c.policies.find(
            (p) => p.service === service && p.namespace === opts.namespace,
          );
          const next = PolicyConfig.safeParse({
            ...(current ?? { service, namespace: opts.namespace }),
            ...changes(opts),
          });
          if (!next.success)
            throw new CausewayError(
              ErrorCode.InputInvalid,
              `policy: ${next.error.issues[0]?.path.join('.') ?? ''}: ${next.error.issues[0]?.message ?? 'invalid'}`,
            );
          c.policies = [...c.policies.filter((p) => p !== current), next.data];
        });
        const saved = config.policies.find(
          (p) => p.service === service && p.namespace === opts.namespace,
        );
        emit(
          format,
          { policy: saved, live },
          () => `policy for ${service}.${opts.namespace}: ${describe(saved)}`,
        );
      }),
    );

  policy
    .command('list')
    .description('the traffic policies of this site (--access: its access policies)')
    .option('--access', "list the access policies of this site's exports instead")
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { dir?: string; access?: boolean; output: string }) => {
        const format = outputFormat(opts.output);
        const { config } = await editSiteConfig(sitePaths(siteDir(opts.dir)), () => undefined);
        emit(format, opts.access === true ? config.access : config.policies, () =>
          opts.access === true
            ? describeAccess(config.access)
            : config.policies.length === 0
              ? 'no policies: every service round-robins over its healthy endpoints (least loaded of two)'
              : table(
                  ['SERVICE', 'POLICY'],
                  config.policies.map((p) => [`${p.service}.${p.namespace}`, describe(p)]),
                ),
        );
      }),
    );
  policy.addCommand(policyAllowCommand());
  policy.addCommand(policyDenyCommand());
  return policy;
}

function changes(opts: SetOptions): Partial<PolicyConfig> {
  const out: Partial<PolicyConfig> = {};
  if (opts.locality !== undefined)
    out.locality = choice(opts.locality, '--locality', {
      'prefer-close': 'PreferClose',
      any: 'Any',
    } as const);
  if (opts.affinity !== undefined)
    out.affinity = choice(opts.affinity, '--affinity', {
      none: 'none',
      local: 'local',
      remote: 'remote',
    } as const);
  if (opts.overload !== undefined) out.overloadThreshold = opts.overload;
  if (opts.weight !== undefined)
    out.siteWeights = Object.fromEntries(
      opts.weight.map((w) => [w.split('=')[0] ?? '', Number(w.split('=')[1])]),
    );
  if (opts.failoverPriority !== undefined)
    out.failoverPriority = opts.failoverPriority.split(',').filter((x) => x !== '');
  if (opts.sessionAffinity !== undefined) {
    const [mode, seconds] = opts.sessionAffinity.split(':');
    if (mode === 'none') out.sessionAffinity = undefined;
    else if (mode === 'client-ip')
      out.sessionAffinity = {
        type: 'ClientIP',
        timeoutSeconds: seconds === undefined ? 10_800 : Number(seconds),
      };
    else
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `--session-affinity: "${opts.sessionAffinity}" is not client-ip[:seconds] or none`,
      );
  }
  return out;
}

function choice<T extends string>(value: string, flag: string, options: Record<string, T>): T {
  const picked = options[value];
  if (picked === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `${flag}: "${value}" is not one of ${Object.keys(options).join(', ')}`,
    );
  return picked;
}

function describe(p: PolicyConfig | undefined): string {
  if (p === undefined) return '(none)';
  const parts = [`locality ${p.locality}`, `affinity ${p.affinity}`];
  if (p.overloadThreshold !== undefined)
    parts.push(`spill above ${p.overloadThreshold} flows/endpoint`);
  if (p.siteWeights !== undefined)
    parts.push(
      `weights ${Object.entries(p.siteWeights)
        .map(([s, w]) => `${s}=${w}`)
        .join(',')}`,
    );
  if (p.failoverPriority !== undefined) parts.push(`failover ${p.failoverPriority.join('>')}`);
  if (p.sessionAffinity !== undefined)
    parts.push(`session affinity ClientIP ${p.sessionAffinity.timeoutSeconds}s`);
  return parts.join(', ');
}
