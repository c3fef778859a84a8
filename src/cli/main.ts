#!/usr/bin/env node
import { Command } from 'commander';
import { ErrorCode } from '../errors/index.js';
import { demoCommand } from './commands/demo-command.js';
import { gslbCommand } from './commands/gslb-command.js';
import { kubeCommand } from './commands/kube-command.js';
import { leaseCommand } from './commands/lease-command.js';
import { linkCommand } from './commands/link-command.js';
import { exposeCommand, importCommand, unexposeCommand, unimportCommand } from './commands/service-commands.js';
import { namespaceCommand } from './commands/namespace-command.js';
import { policyCommand } from './commands/policy-command.js';
import { servicesCommand } from './commands/services-command.js';
import { siteCommand } from './commands/site-command.js';
import { statusCommand } from './commands/status-command.js';
import { tokenCommand } from './commands/token-command.js';
import { ExitCode } from './output.js';

const program = new Command('causeway')
  .description('Connect clusters and hosts across regions, VPCs and clouds: mTLS links between sites, services reachable from any site.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    // Usage errors exit 2, like other well-behaved CLIs; help and version exit 0.
    process.exit(err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput);
  })
  .addHelpText(
    'after',
    `
Quick start (three sites on this machine):  causeway demo
By hand:
  causeway site init --id eu-west --dir ./eu --listen 127.0.0.1:7443
  causeway site run --dir ./eu &
  causeway token issue --dir ./eu > eu.token
  causeway site init --id us-east --dir ./us --listen 127.0.0.1:7444
  causeway link create --dir ./us --token eu.token
  causeway expose web --namespace shop --port 8080 --to 127.0.0.1:9000 --dir ./eu
  causeway import web --namespace shop --listen 127.0.0.1:18080 --dir ./us
  causeway site run --dir ./us &
  causeway status --dir ./us`,
  );

for (const command of [siteCommand(), tokenCommand(), linkCommand(), exposeCommand(), unexposeCommand(), importCommand(), unimportCommand(), statusCommand(), servicesCommand(), namespaceCommand(), policyCommand(), leaseCommand(), kubeCommand(), gslbCommand(), demoCommand()]) {
  program.addCommand(command);
}
// Scripts that asked for JSON get usage errors (bad option values too) as JSON, like action errors.
const wantsJson = process.argv.some((a, i) => a === '--output=json' || (a === '--output' && process.argv[i + 1] === 'json'));
const usageErrorAsJson = (text: string, write: (s: string) => void): void => {
  const message = text.replace(/^error: /, '').trim();
  write(`${JSON.stringify({ error: { code: ErrorCode.InputInvalid, message, hint: 'run with --help for usage' } })}\n`);
};
const exitOnUsageError = (command: Command): void => {
  command.exitOverride((err) => process.exit(err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput));
  if (wantsJson) command.configureOutput({ outputError: usageErrorAsJson });
  command.commands.forEach(exitOnUsageError);
};
exitOnUsageError(program);

await program.parseAsync(process.argv);
