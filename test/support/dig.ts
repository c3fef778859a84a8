import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Real `dig` against a router's DNS (`host:port`); returns the status and the answer lines. */
export async function dig(
  dns: string,
  name: string,
  type = 'A',
): Promise<{ status: string; answers: string[] }> {
  const cut = dns.lastIndexOf(':');
  const { stdout } = await run('dig', [
    `@${dns.slice(0, cut)}`,
    '-p',
    dns.slice(cut + 1),
    name,
    type,
    '+norecurse',
    '+time=2',
    '+tries=2',
  ]);
  const section = stdout.split(';; ANSWER SECTION:')[1]?.split('\n\n')[0] ?? '';
  return {
    status: /status: (\w+)/.exec(stdout)?.[1] ?? 'none',
    answers: section
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  };
}
