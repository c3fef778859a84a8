#!/usr/bin/env node
import { Command } from 'commander';
import { ErrorCode } from '../errors/index.js';
import { COMMANDS, commandStub, entryFor } from './command-index.js';
import { ExitCode } from './output.js';

const program = new Command('causeway')
  .description(
    'Connect clusters and hosts across regions, VPCs and clouds: mTLS links between sites, services reachable from any site.',
  )
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

// Only the command this run names is loaded; the others stand in for the root help and suggestions.
const running = entryFor(process.argv.slice(2));
for (const entry of COMMANDS)
  program.addCommand(entry === running ? await entry.load() : commandStub(entry));
// Scripts that asked for JSON get usage errors (bad option values too) as JSON, like action errors.
const wantsJson = process.argv.some(
  (a, i) => a === '--output=json' || (a === '--output' && process.argv[i + 1] === 'json'),
);
const usageErrorAsJson = (text: string, write: (s: string) => void): void => {
  const message = text.replace(/^error: /, '').trim();
  write(
    `${JSON.stringify({ error: { code: ErrorCode.InputInvalid, message, hint: 'run with --help for usage' } })}\n`,
  );
};
const exitOnUsageError = (command: Command): void => {
  command.exitOverride((err) => process.exit(err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput));
  if (wantsJson) command.configureOutput({ outputError: usageErrorAsJson });
  command.commands.forEach(exitOnUsageError);
};
exitOnUsageError(program);

await program.parseAsync(process.argv);
