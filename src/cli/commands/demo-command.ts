import { Command } from 'commander';
import {
  runRebelBaseScenario,
  sendDemoTraffic,
  startDemoNetwork,
  type ScenarioPhase,
} from '../../demo/index.js';
import { emit, outputFormat, table } from '../output.js';
import { intOption } from '../options.js';
import { runAction } from '../run-action.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'build a three-site clusterset on this machine (no root), send traffic through it and show what happened',
    )
    .option('--once', 'exit after the report instead of keeping the network up')
    .option('--requests <n>', 'HTTP requests to send', intOption('--requests', 1, 100_000), 30)
    .option(
      '--dir <dir>',
      'keep the sites in this directory (default: a temporary one, removed on exit)',
    )
    .option('--no-scenario', 'skip the rebel-base traffic-policy scenario')
    .option('--output <format>', 'text or json (the report)', 'text')
    .action(
      runAction(
        async (opts: {
          once?: boolean;
          requests: number;
          dir?: string;
          scenario: boolean;
          output: string;
        }) => {
          const format = outputFormat(opts.output);
          const t0 = performance.now();
          const say = (line: string): void => {
            if (format === 'text') process.stdout.write(`${line}\n`);
          };
          let step = 0;
          const network = await startDemoNetwork(
            (what, detail) =>
              say(
                `[${++step}] ${what}${detail === undefined ? '' : `: ${detail}`}  (${Math.round(performance.now() - t0)} ms)`,
              ),
            opts.dir,
          );
          say(`[${++step}] sending ${opts.requests} HTTP requests from ap-south to web.demo`);
          const traffic = await sendDemoTraffic(network.importAddress, opts.requests);
          const statuses = await Promise.all(
            [...network.routers.values()].map((r) => r.api.status()),
          );
          const links = statuses.flatMap((s) => s.links.map((l) => ({ site: s.site.id, ...l })));
          const apSouth = statuses.find((s) => s.site.id === 'ap-south');
          const vip =
            apSouth?.services.find((s) => s.name === 'web' && s.namespace === 'demo')?.vip ?? null;
          const dns = apSouth?.dnsAddress ?? null;
          const sorted = [...traffic.latenciesMs].sort((a, b) => a - b);
          const p50 = sorted[Math.floor(sorted.length / 2)] ?? 0;
          const report = {
            setupMs: Math.round(performance.now() - t0),
            importAddress: `${network.importAddress.host}:${network.importAddress.port}`,
            answers: Object.fromEntries(traffic.bySite),
            failed: traffic.failed,
            p50Ms: Math.round(p50 * 100) / 100,
            links: links.map((l) => ({
              site: l.site,
              peer: l.peer,
              state: l.state,
              direction: l.direction,
              rttMs: l.rttMs,
            })),
            sitesDir: network.root,
            clustersetIp: vip,
            dns,
          };
          say(
            [
              '',
              'Which site answered (each request on a new connection, round-robin across exporting sites):',
              table(
                ['SITE', 'ANSWERS', 'SHARE'],
                [...traffic.bySite]
                  .map(([site, n]) => [site, n, `${Math.round((n / opts.requests) * 100)}%`])
                  .concat(traffic.failed > 0 ? [['(failed)', traffic.failed, '']] : []),
              ),
              `median request time ${report.p50Ms} ms (new TCP connection + HTTP through two routers)`,
              '',
              'Links:',
              table(
                ['SITE', 'PEER', 'STATE', 'DIRECTION', 'RTT'],
                links.map((l) => [
                  l.site,
                  l.peer,
                  l.state,
                  l.direction,
                  l.rttMs === null ? '-' : `${l.rttMs.toFixed(2)}ms`,
                ]),
              ),
            ].join('\n'),
          );
          let scenario: { phases: ScenarioPhase[]; stop(): void } | undefined;
          if (opts.scenario) {
            say(
              '\n[rebel-base] a service in us-east and eu-west, 20 requests from us-east per phase:',
            );
            scenario = await runRebelBaseScenario(network.root, network.routers, say);
            const phases = scenario.phases;
            say(
              table(
                ['PHASE', 'US-EAST (LOCAL)', 'EU-WEST (REMOTE)', 'FAILED'],
                phases.map((p) => [
                  p.phase,
                  p.answers['us-east'] ?? 0,
                  p.answers['eu-west'] ?? 0,
                  p.failed,
                ]),
              ),
            );
          }
          // Scripts get one JSON document with everything (text output was printed as it came).
          if (format === 'json')
            emit(format, { ...report, scenario: scenario?.phases ?? null }, () => '');
          if (opts.once === true) {
            scenario?.stop();
            await network.stop();
            const failed =
              traffic.failed + (scenario?.phases.reduce((n, p) => n + p.failed, 0) ?? 0);
            if (failed > 0) process.exitCode = 1;
            return;
          }
          say(
            [
              '',
              `The network keeps running. Try:`,
              `  curl http://${report.importAddress}/`,
              ...(vip === null
                ? []
                : [
                    `  curl http://${vip}/                      # the clusterset virtual IP of web.demo in ap-south`,
                  ]),
              ...(dns === null
                ? []
                : [
                    `  dig @${dns.replace(/:(\d+)$/, ' -p $1')} web.demo.svc.clusterset.local`,
                    `  dig @${dns.replace(/:(\d+)$/, ' -p $1')} web.demo.svc.eu-west.causeway   # eu-west's endpoints only`,
                  ]),
              `  node ${process.argv[1] ?? 'causeway'} services --dir ${network.root}/ap-south`,
              `  node ${process.argv[1] ?? 'causeway'} status --dir ${network.root}/ap-south`,
              'Press Ctrl-C to stop it.',
            ].join('\n'),
          );
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          say('\nstopping routers…');
          scenario?.stop();
          await network.stop();
        },
      ),
    );
}
