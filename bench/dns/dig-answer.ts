import { runCommand } from './run-command.js';

/** A server's answer as dig shows it: the rcode and the answer section, normalised and sorted. */
export interface DigAnswer {
  status: string;
  records: string[];
}

/** Asks 127.0.0.1:`port` one non-recursive question; records are compared as sets, so order does not matter. */
export async function digAnswer(port: number, name: string, type: string): Promise<DigAnswer> {
  const argv = [
    'dig',
    '@127.0.0.1',
    '-p',
    String(port),
    '+norecurse',
    '+time=1',
    '+tries=1',
    '+noall',
    '+comments',
    '+answer',
    name,
    type,
  ];
  const { stdout } = await runCommand(argv, 5_000);
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'NO-ANSWER';
  const records = stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith(';'))
    .map((line) => line.trim().split(/\s+/).join(' ').toLowerCase())
    .sort();
  return { status, records };
}
