import { Command, InvalidArgumentError } from 'commander';
import { HttpRouteConfig, sitePaths, type RouteRuleConfig } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import { editSiteConfig } from '../../site/index.js';
import { emit, outputFormat, table } from '../output.js';
import { DIR_HELP, intOption, siteDir } from '../options.js';
import { runAction } from '../run-action.js';

interface SetOptions {
  service: string;
  namespace: string;
  port?: number;
  pathPrefix?: string;
  pathExact?: string;
  pathRegex?: string;
  method?: string;
  header: string[];
  headerRegex: string[];
  query: string[];
  weight: string[];
  subset: string[];
  timeout?: number;
  retries?: number;
  retryOn?: string;
  retryBudget?: number;
  setRequestHeader: string[];
  addRequestHeader: string[];
  removeRequestHeader: string[];
  setResponseHeader: string[];
  addResponseHeader: string[];
  removeResponseHeader: string[];
  mirror?: string;
  dir?: string;
  output: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `name=value` (the value may be empty, and may contain `=`). */
function pair(flag: string) {
  return (value: string, previous: string[] = []): string[] => {
    if (!/^[^=\s]+=/.test(value))
      throw new InvalidArgumentError(`${flag}: "${value}" must be name=value, e.g. x-canary=1`);
    return [...previous, value];
  };
}

export function routeCommand(): Command {
  const route = new Command('route').description(
    'routing rules of HTTP and gRPC services: path, header and query matches, weights, timeouts, retries, header edits, mirrors',
  );
  route
    .command('set')
    .description('set (or replace) a route of one rule; site.yaml `routes:` takes several rules')
    .argument('<name>', 'route name (a DNS label)')
    .requiredOption('--service <name>', 'the HTTP or gRPC service the route applies to')
    .requiredOption('--namespace <ns>', 'namespace of the service')
    .option('--port <port>', 'only this service port', intOption('--port', 1, 65535))
    .option('--path-prefix <path>', 'match paths under this prefix (/api matches /api and /api/x)')
    .option('--path-exact <path>', 'match exactly this path')
    .option('--path-regex <re>', 'match paths the whole regular expression matches')
    .option('--method <method>', 'match only this method, e.g. GET')
    .option(
      '--header <name=value>',
      'match a header value exactly (repeatable)',
      pair('--header'),
      [],
    )
    .option(
      '--header-regex <name=re>',
      'match a header value by regular expression (repeatable)',
      pair('--header-regex'),
      [],
    )
    .option(
      '--query <name=value>',
      'match a query parameter exactly (repeatable)',
      pair('--query'),
      [],
    )
    .option(
      '--weight <backend=n>',
      'share of matched requests for a site (eu-west=3) or subset (subset:canary=1); repeatable',
      pair('--weight'),
      [],
    )
    .option(
      '--subset <name=sites>',
      'a named subset of sites, e.g. canary=us-east,ap-south (repeatable)',
      pair('--subset'),
      [],
    )
    .option(
      '--timeout <ms>',
      'the whole exchange must finish within this',
      intOption('--timeout', 1, 3_600_000),
    )
    .option('--retries <n>', 'attempts after the first (1-5)', intOption('--retries', 1, 5))
    .option(
      '--retry-on <list>',
      'comma-separated: 5xx, gateway-error, reset, unavailable (default gateway-error,unavailable)',
    )
    .option(
      '--retry-budget <percent>',
      "retries add at most this share of the route's requests (default 20)",
      intOption('--retry-budget', 0, 100),
    )
    .option(
      '--set-request-header <name=value>',
      'replace a request header (repeatable)',
      pair('--set-request-header'),
      [],
    )
    .option(
      '--add-request-header <name=value>',
      'append a request header (repeatable)',
      pair('--add-request-header'),
      [],
    )
    .option('--remove-request-header <name>', 'remove a request header (repeatable)', collect, [])
    .option(
      '--set-response-header <name=value>',
      'replace a response header (repeatable)',
      pair('--set-response-header'),
      [],
    )
    .option(
      '--add-response-header <name=value>',
      'append a response header (repeatable)',
      pair('--add-response-header'),
      [],
    )
    .option('--remove-response-header <name>', 'remove a response header (repeatable)', collect, [])
    .option(
      '--mirror <target>',
      'copy matched requests to site=<site> or service=<name>[.<ns>], optionally :<percent>',
    )
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  # 10% of /api to the canary subset, the rest anywhere; 2 s per request, retries within budget
  causeway route set api-canary --service web --namespace shop --path-prefix /api \\
    --subset canary=us-east --weight subset:canary=1 --weight eu-west=9 \\
    --timeout 2000 --retries 2 --retry-on gateway-error --retry-budget 20
  # requests carrying x-debug: 1 go to eu-west, tagged, and are mirrored to ap-south
  causeway route set debug --service web --namespace shop --header x-debug=1 --weight eu-west=1 \\
    --set-request-header x-routed-by=causeway --mirror site=ap-south
  # gRPC: a method's calls (its path is /package.Service/Method) to one site
  causeway route set greet --service greeter --namespace rpc --path-exact /demo.Greeter/Hello --weight us-east=1

The first route rule a request matches decides (routes in the order site.yaml lists them); a
request no rule matches follows the service's traffic policy (\`causeway policy\`). Routes apply
to services exported with --protocol http or --app-protocol grpc|h2c|http2|kubernetes.io/h2c.`,
    )
    .action(
      runAction(async (name: string, opts: SetOptions) => {
        const format = outputFormat(opts.output);
        const next = HttpRouteConfig.safeParse(routeFrom(name, opts));
        if (!next.success) {
          const issue = next.error.issues[0];
          throw new CausewayError(
            ErrorCode.InputInvalid,
            `route ${name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
            { hint: 'see `causeway route set --help`' },
          );
        }
        const { live } = await editSiteConfig(sitePaths(siteDir(opts.dir)), (c) => {
          const index = c.routes.findIndex(
            (r) => r.name === name && r.namespace === opts.namespace,
          );
          if (index === -1) c.routes = [...c.routes, next.data];
          else c.routes = c.routes.map((r, i) => (i === index ? next.data : r));
        });
        emit(
          format,
          { route: next.data, live },
          () => `route ${name}.${opts.namespace}: ${describe(next.data)}`,
        );
      }),
    );
  route
    .command('list')
    .description('the routes of this site, in the order they are tried')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (opts: { dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const { config } = await editSiteConfig(sitePaths(siteDir(opts.dir)), () => undefined);
        emit(format, config.routes, () =>
          config.routes.length === 0
            ? "no routes: every request follows its service's traffic policy"
            : table(
                ['ROUTE', 'SERVICE', 'RULES'],
                config.routes.map((r) => [`${r.name}.${r.namespace}`, r.service, describe(r)]),
              ),
        );
      }),
    );
  route
    .command('remove')
    .description('remove a route')
    .argument('<name>', 'route name')
    .requiredOption('--namespace <ns>', 'namespace of the route')
    .option('--dir <dir>', DIR_HELP)
    .option('--output <format>', 'text or json', 'text')
    .action(
      runAction(async (name: string, opts: { namespace: string; dir?: string; output: string }) => {
        const format = outputFormat(opts.output);
        const { live } = await editSiteConfig(sitePaths(siteDir(opts.dir)), (c) => {
          const kept = c.routes.filter((r) => !(r.name === name && r.namespace === opts.namespace));
          if (kept.length === c.routes.length)
            throw new CausewayError(
              ErrorCode.InputInvalid,
              `route ${name}.${opts.namespace} does not exist`,
              {
                hint: 'see `causeway route list`',
              },
            );
          c.routes = kept;
        });
        emit(
          format,
          { removed: `${name}.${opts.namespace}`, live },
          () => `removed route ${name}.${opts.namespace}`,
        );
      }),
    );
  return route;
}

/** The flags as the plain route data the schema checks (field names in its errors). */
function routeFrom(name: string, opts: SetOptions): unknown {
  const paths = [
    opts.pathPrefix === undefined ? undefined : { type: 'PathPrefix', value: opts.pathPrefix },
    opts.pathExact === undefined ? undefined : { type: 'Exact', value: opts.pathExact },
    opts.pathRegex === undefined ? undefined : { type: 'RegularExpression', value: opts.pathRegex },
  ].filter((p) => p !== undefined);
  if (paths.length > 1)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'route: give one of --path-prefix, --path-exact, --path-regex',
      {
        hint: 'a rule matches one path; set another route for another path',
      },
    );
  const headers = [
    ...opts.header.map((h) => ({ type: 'Exact', ...split(h) })),
    ...opts.headerRegex.map((h) => ({ type: 'RegularExpression', ...split(h) })),
  ];
  const queryParams = opts.query.map((q) => ({ type: 'Exact', ...split(q) }));
  const match = {
    ...(paths[0] === undefined ? {} : { path: paths[0] }),
    ...(opts.method === undefined ? {} : { method: opts.method }),
    headers,
    queryParams,
  };
  const hasMatch =
    paths.length > 0 || opts.method !== undefined || headers.length + queryParams.length > 0;
  const rule: Record<string, unknown> = {
    matches: hasMatch ? [match] : [],
    backends: opts.weight.map(backend),
  };
  if (opts.timeout !== undefined) rule.timeoutMs = opts.timeout;
  if (opts.retries !== undefined)
    rule.retries = {
      attempts: opts.retries,
      ...(opts.retryOn === undefined
        ? {}
        : { on: opts.retryOn.split(',').filter((x) => x !== '') }),
      ...(opts.retryBudget === undefined ? {} : { budgetPercent: opts.retryBudget }),
    };
  const requestHeaders = edits(
    opts.setRequestHeader,
    opts.addRequestHeader,
    opts.removeRequestHeader,
  );
  if (requestHeaders !== undefined) rule.requestHeaders = requestHeaders;
  const responseHeaders = edits(
    opts.setResponseHeader,
    opts.addResponseHeader,
    opts.removeResponseHeader,
  );
  if (responseHeaders !== undefined) rule.responseHeaders = responseHeaders;
  if (opts.mirror !== undefined) rule.mirror = mirror(opts.mirror);
  return {
    name,
    service: opts.service,
    namespace: opts.namespace,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    subsets: opts.subset.map((s) => {
      const { name: subset, value } = split(s);
      return { name: subset, sites: value.split(',').filter((x) => x !== '') };
    }),
    rules: [rule],
  };
}

function split(text: string): { name: string; value: string } {
  const cut = text.indexOf('=');
  return { name: text.slice(0, cut), value: text.slice(cut + 1) };
}

function backend(text: string): Record<string, unknown> {
  const { name, value } = split(text);
  const weight = Number(value);
  if (!Number.isInteger(weight))
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--weight: "${text}" needs a whole-number weight`,
      {
        hint: 'e.g. --weight eu-west=3 or --weight subset:canary=1',
      },
    );
  return name.startsWith('subset:')
    ? { subset: name.slice('subset:'.length), weight }
    : { site: name, weight };
}

function edits(
  set: string[],
  add: string[],
  remove: string[],
): Record<string, unknown> | undefined {
  if (set.length + add.length + remove.length === 0) return undefined;
  const record = (pairs: string[]): Record<string, string> =>
    Object.fromEntries(
      pairs.map((p) => {
        const { name, value } = split(p);
        return [name, value];
      }),
    );
  return { set: record(set), add: record(add), remove };
}

/** `site=ap-south`, `service=web-v2.shop:10`. */
function mirror(text: string): Record<string, unknown> {
  const match = /^(site|service)=([^:]+)(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (match === null)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `--mirror: "${text}" is not site=<site> or service=<name>[.<ns>][:percent]`,
      {
        hint: 'e.g. --mirror site=ap-south or --mirror service=web-v2.shop:10',
      },
    );
  const [, kind, target = '', percent] = match;
  const share = percent === undefined ? {} : { percent: Number(percent) };
  if (kind === 'site') return { site: target, ...share };
  const [service, namespace] = target.split('.');
  return { service, ...(namespace === undefined ? {} : { namespace }), ...share };
}

function describe(route: HttpRouteConfig): string {
  return route.rules.map(describeRule).join('; ');
}

function describeRule(rule: RouteRuleConfig): string {
  const parts: string[] = [];
  for (const m of rule.matches) {
    const bits = [
      m.method,
      m.path === undefined ? undefined : `${m.path.type} ${m.path.value}`,
      ...m.headers.map((h) => `${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}`),
      ...m.queryParams.map((q) => `?${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}`),
    ].filter((b) => b !== undefined);
    parts.push(`match ${bits.join(' ')}`);
  }
  if (rule.matches.length === 0) parts.push('every request');
  if (rule.backends.length > 0)
    parts.push(
      `to ${rule.backends.map((b) => `${b.site ?? `subset:${b.subset ?? 'any'}`}=${b.weight}`).join(',')}`,
    );
  if (rule.timeoutMs !== undefined) parts.push(`timeout ${rule.timeoutMs} ms`);
  if (rule.retries !== undefined)
    parts.push(
      `retries ${rule.retries.attempts} on ${rule.retries.on.join(',')} within ${rule.retries.budgetPercent}%`,
    );
  if (rule.mirror !== undefined)
    parts.push(
      `mirror ${rule.mirror.site ?? ''}${rule.mirror.service ?? ''} ${rule.mirror.percent}%`,
    );
  return parts.join(', ');
}
