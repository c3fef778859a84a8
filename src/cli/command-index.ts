import { Command, Option } from 'commander';

/** A top-level command as the root help lists it, and how to load its code when it runs. */
export interface CommandEntry {
  name: string;
  /** `<name>` arguments as the root help shows them. */
  args: readonly string[];
  /** Whether it has options of its own (the root help then says `[options]`). */
  hasOptions: boolean;
  description: string;
  load(): Promise<Command>;
}

/**
 * Every top-level command. A run loads only the module of the command it names, so `--help` or
 * `status` does not evaluate the router, the Kubernetes client or every config schema first
 * (start-up CPU went from about 0.4 s to a blink). The root help is built from this table; a unit
 * test checks it against the commands themselves, so the two cannot drift.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'site',
    args: [],
    hasOptions: false,
    description: 'create and run a site (one router per cluster or host)',
    load: async () => (await import('./commands/site-command.js')).siteCommand(),
  },
  {
    name: 'admin',
    args: [],
    hasOptions: false,
    description: 'admin keys: sign clusterset-wide actions (revoking a site) away from the CA key',
    load: async () => (await import('./commands/admin-command.js')).adminCommand(),
  },
  {
    name: 'token',
    args: [],
    hasOptions: false,
    description: 'one-time secrets that let another site link to this one',
    load: async () => (await import('./commands/token-command.js')).tokenCommand(),
  },
  {
    name: 'link',
    args: [],
    hasOptions: false,
    description: 'links between this site and others',
    load: async () => (await import('./commands/link-command.js')).linkCommand(),
  },
  {
    name: 'expose',
    args: ['<name>'],
    hasOptions: true,
    description: 'offer a local backend to the clusterset as <name>.<namespace>, port <port>',
    load: async () => (await import('./commands/service-commands.js')).exposeCommand(),
  },
  {
    name: 'unexpose',
    args: ['<name>'],
    hasOptions: true,
    description: 'stop offering a service (all ports, or one)',
    load: async () => (await import('./commands/service-commands.js')).unexposeCommand(),
  },
  {
    name: 'import',
    args: ['<name>'],
    hasOptions: true,
    description: 'make a clusterset service reachable at a local address on this site',
    load: async () => (await import('./commands/service-commands.js')).importCommand(),
  },
  {
    name: 'unimport',
    args: ['<name>'],
    hasOptions: true,
    description: 'close the local address of an imported service',
    load: async () => (await import('./commands/service-commands.js')).unimportCommand(),
  },
  {
    name: 'drill',
    args: [],
    hasOptions: false,
    description:
      'stage a failure on the links (partition, site loss, latency, loss) that heals by itself',
    load: async () => (await import('./commands/drill-command.js')).drillCommand(),
  },
  {
    name: 'status',
    args: [],
    hasOptions: true,
    description: 'this site, its links (state, RTT, cost, peer), exports, imports and flow counts',
    load: async () => (await import('./commands/status-command.js')).statusCommand(),
  },
  {
    name: 'console',
    args: [],
    hasOptions: true,
    description: 'serve the web console of a running router (topology, services, traffic, cost)',
    load: async () => (await import('./commands/console-command.js')).consoleCommand(),
  },
  {
    name: 'services',
    args: [],
    hasOptions: true,
    description:
      "the clusterset's services as this site sees them: type, ports, exporting sites, virtual IP, DNS name and MCS conditions",
    load: async () => (await import('./commands/services-command.js')).servicesCommand(),
  },
  {
    name: 'cost',
    args: [],
    hasOptions: false,
    description:
      'what crosses zones and regions and what it costs: Causeway flows by service or zone pair, locality savings, cloud flow logs',
    load: async () => (await import('./commands/cost-command.js')).costCommand(),
  },
  {
    name: 'doctor',
    args: [],
    hasOptions: true,
    description:
      'check a site and tell what to fix: links and RTT, partition, certificates, DNS, export backends, import listeners',
    load: async () => (await import('./commands/doctor-command.js')).doctorCommand(),
  },
  {
    name: 'namespace',
    args: [],
    hasOptions: false,
    description:
      'namespaces present at this site (clusterset services are imported only into present namespaces)',
    load: async () => (await import('./commands/namespace-command.js')).namespaceCommand(),
  },
  {
    name: 'policy',
    args: [],
    hasOptions: false,
    description:
      "how this site spreads new flows over a service's endpoints (locality, affinity, weights, failover, session affinity), and who may reach its exports (allow, deny)",
    load: async () => (await import('./commands/policy-command.js')).policyCommand(),
  },
  {
    name: 'route',
    args: [],
    hasOptions: false,
    description:
      'routing rules of HTTP and gRPC services: path, header and query matches, weights, timeouts, retries, header edits, mirrors',
    load: async () => (await import('./commands/route-command.js')).routeCommand(),
  },
  {
    name: 'plan',
    args: [],
    hasOptions: true,
    description:
      "the clusterset's address space: CIDR overlaps between sites, new blocks from a pool, flat or island per pair",
    load: async () => (await import('./commands/plan-command.js')).planCommand(),
  },
  {
    name: 'lease',
    args: [],
    hasOptions: false,
    description:
      'named leases with fencing tokens: one holder at a time, a token that grows on every change of holder',
    load: async () => (await import('./commands/lease-command.js')).leaseCommand(),
  },
  {
    name: 'kube',
    args: [],
    hasOptions: false,
    description:
      'run Causeway on Kubernetes: install into clusters, link them, wire CoreDNS, and the MCS controller',
    load: async () => (await import('./commands/kube-command.js')).kubeCommand(),
  },
  {
    name: 'gslb',
    args: [],
    hasOptions: false,
    description:
      'global load balancing: authoritative DNS for your own zone that sends users to healthy sites (failover, weighted, geo, latency)',
    load: async () => (await import('./commands/gslb-command.js')).gslbCommand(),
  },
  {
    name: 'demo',
    args: [],
    hasOptions: true,
    description:
      'build a three-site clusterset on this machine (no root), send traffic through it and show what happened',
    load: async () => (await import('./commands/demo-command.js')).demoCommand(),
  },
];

/** A stand-in that lists like the command in the root help, without loading its code. */
export function commandStub(entry: CommandEntry): Command {
  const stub = new Command(entry.name).description(entry.description);
  for (const arg of entry.args) stub.argument(arg);
  if (entry.hasOptions) stub.addOption(new Option('--stub').hideHelp());
  return stub;
}

/** The entry a command line runs: its first word (or the word after `help`), when it names one. */
export function entryFor(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const word = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === word);
}
