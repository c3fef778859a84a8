import { parseDnsperf, type DnsperfStats } from './dnsperf-stats.js';
import { runCommand } from './run-command.js';

/** The dnsperf knobs the bench varies; the rest is fixed so every server sees the same load. */
export interface DnsperfLoad {
  queryFile: string;
  seconds: number;
  clients: number;
  outstanding: number;
  maxQps: number;
  /** Send EDNS0 (as every current resolver does), so answers may exceed 512 bytes without TC. */
  edns: boolean;
  /** The core dnsperf is pinned to, apart from the server's. */
  core: number;
}

// dnsperf waits up to its 5 s query timeout after the time limit; beyond that it is stuck.
const SLACK_MS = 15_000;

/** Runs dnsperf against 127.0.0.1:`port` for `load.seconds` and returns its statistics. */
export async function runDnsperf(port: number, load: DnsperfLoad): Promise<DnsperfStats> {
  const argv = [
    'taskset',
    '-c',
    String(load.core),
    'dnsperf',
    '-s',
    '127.0.0.1',
    '-p',
    String(port),
    '-d',
    load.queryFile,
    '-l',
    String(load.seconds),
    '-c',
    String(load.clients),
    '-Q',
    String(load.maxQps),
    '-q',
    String(load.outstanding),
    ...(load.edns ? ['-e'] : []),
  ];
  const { code, stdout, stderr } = await runCommand(argv, load.seconds * 1000 + SLACK_MS);
  if (code !== 0) throw new Error(`dnsperf exited ${code}: ${stderr.trim()}\n${stdout}`);
  return parseDnsperf(stdout);
}
