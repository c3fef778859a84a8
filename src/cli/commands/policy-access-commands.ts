import { Command } from 'commander';
import { AccessPolicyConfig, sitePaths, type SiteConfig } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { editSiteConfig } from '../../site/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

interface AccessOptions {
  namespace: string;
  fromSite?: string;
  source?: string[];
  all?: boolean;
  dir?: string;
  output: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `policy allow`: adds an allow rule to an export's access policy (creating the policy). */
export function policyAllowCommand(): Command {
  return new Command('allow')
    .description(
      'let a site (or some client addresses there) import a service this site exports and open flows to it; other sites are refused from then on',
    )
    .argument('<service>', 'service name (exported here)')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .requiredOption('--from-site <site>', 'the importing site to admit')
    .option(
      '--source <cidr>',
      'admit only clients from this block at that site (repeatable)',
      collect,
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Access policies are allow-only and decided here, at the exporting site: without a policy every
site of the clusterset may import the service (the MCS default); with one, only what a rule admits.
Sites not admitted do not import it (it is not advertised to them) and a flow they open anyway is
reset and counted in causeway_flows_denied_total{service,source_site,reason}.

Examples:
  causeway policy allow payments --namespace shop --from-site eu-west
  causeway policy allow payments --namespace shop --from-site us-east --source 10.20.0.0/16`,
    )
    .action(
      runAction(async (service: string, opts: AccessOptions) => {
        const site = opts.fromSite ?? '';
        const rule = { site, ...(opts.source === undefined ? {} : { sources: opts.source }) };
        const policy = await editAccess(service, opts, (allow) => [
          ...allow.filter((r) => r.site !== site),
          rule,
        ]);
        report(opts, policy, `policy for ${service}.${opts.namespace} admits`);
      }),
    );
}

/** `policy deny`: takes a site's rule out (allow-only: what no rule admits is denied). */
export function policyDenyCommand(): Command {
  return new Command('deny')
    .description(
      'refuse a site a service this site exports (removes its allow rule); --all leaves a policy that admits nobody',
    )
    .argument('<service>', 'service name (exported here)')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .option('--from-site <site>', 'the site to refuse')
    .option('--all', 'refuse every site')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Live flows of a refused site are not cut; new flows are reset. \`causeway policy allow\` admits
again; removing the policy altogether (site.yaml) returns to every site may import.

Examples:
  causeway policy deny payments --namespace shop --from-site us-east
  causeway policy deny payments --namespace shop --all`,
    )
    .action(
      runAction(async (service: string, opts: AccessOptions) => {
        if ((opts.fromSite === undefined) === (opts.all !== true))
          throw new CausewayError(ErrorCode.InputInvalid, '--from-site / --all: give exactly one', {
            hint: 'name the site to refuse with --from-site <site>, or refuse every site with --all',
          });
        const policy = await editAccess(service, opts, (allow) =>
          opts.all === true ? [] : allow.filter((r) => r.site !== opts.fromSite),
        );
        report(opts, policy, `policy for ${service}.${opts.namespace} now admits`);
      }),
    );
}

/** The access policies, as `policy list --output json` prints them beside the traffic policies. */
export function describeAccess(access: SiteConfig['access']): string {
  if (access.length === 0) return 'no access policies: every site may import every export (MCS)';
  return table(
    ['SERVICE', 'ADMITS'],
    access.map((a) => [`${a.service}.${a.namespace}`, admits(a)]),
  );
}

async function editAccess(
  service: string,
  opts: AccessOptions,
  change: (allow: AccessPolicyConfig['allow']) => AccessPolicyConfig['allow'],
): Promise<{ policy: AccessPolicyConfig; live: boolean }> {
  let saved: AccessPolicyConfig | undefined;
  const { live } = await editSiteConfig(sitePaths(siteDir(opts.dir)), (c) => {
    const current = c.access.find((a) => a.service === service && a.namespace === opts.namespace);
    const next = AccessPolicyConfig.safeParse({
      service,
      namespace: opts.namespace,
      allow: change(current?.allow ?? []),
    });
    if (!next.success) {
      const issue = next.error.issues[0];
      const field =
        issue?.path.at(-2) === 'sources' || issue?.path.at(-1) === 'sources'
          ? '--source'
          : issue?.path.includes('site') === true
            ? '--from-site'
            : `access.${issue?.path.join('.') ?? ''}`;
      throw new CausewayError(ErrorCode.InputInvalid, `${field}: ${issue?.message ?? 'invalid'}`, {
        hint: 'a site id such as eu-west; a block such as 10.20.0.0/16',
      });
    }
    saved = next.data;
    c.access = [...c.access.filter((a) => a !== current), next.data];
  });
  if (saved === undefined) throw new Error('unreachable: the edit always runs');
  return { policy: saved, live };
}

function report(
  opts: AccessOptions,
  result: { policy: AccessPolicyConfig; live: boolean },
  what: string,
): void {
  emit(
    outputFormat(opts.output),
    { access: result.policy, live: result.live },
    () => `${what}: ${admits(result.policy)}`,
  );
}

function admits(a: AccessPolicyConfig): string {
  if (a.allow.length === 0) return 'nobody';
  return a.allow
    .map((r) => (r.sources === undefined ? r.site : `${r.site} from ${r.sources.join(',')}`))
    .join('; ');
}
